/*
 * crypt.h — encryption at rest for case files: an SQLite VFS that seals
 * every page with libsodium, the keys it uses, and asking for a passphrase.
 * Why a VFS and not SQLCipher, what is and is not protected, and what it
 * costs: docs/ENCRYPTION.md.
 *
 * Every page of an encrypted case, and every page image in its WAL and
 * rollback journal, is sealed with XChaCha20-Poly1305 (random 24-byte
 * nonce, 16-byte tag, both in the last CRYPT_RESERVE bytes of the page that
 * SQLite is told to leave alone).  The additional data binds each page to
 * its place, so pages cannot be moved or swapped unnoticed.  Temporary
 * files get a stream cipher with a key made for each file.
 *
 * The file starts with CRYPT_SALT_BYTES of salt where SQLite's magic string
 * would be: a 4-byte tag ("wft" and the format version, which fixes the
 * Argon2id cost) and 12 random bytes.  The key is Argon2id(passphrase,
 * salt).  Bytes 16..23 of the header (page size, format versions, reserve)
 * stay in clear and are authenticated with page 1.
 *
 * Keys live in a process-wide table indexed by salt, in sodium_malloc'd
 * memory, until the process ends: every connection to an unlocked case
 * (ingest's readers, the server's per-request connections) finds its key
 * there without asking again.  crypt_setup() makes the VFS SQLite's default
 * so that connections opened with a plain path find it too; files that are
 * not encrypted cases pass straight through to the system's VFS.
 */
#ifndef WEFT_CRYPT_H
#define WEFT_CRYPT_H

#include <stddef.h>

#include <sqlite3.h>

#include "util.h"

#define CRYPT_VFS "weftcrypt"
#define CRYPT_PAGE_SIZE 4096
#define CRYPT_RESERVE 40     /* nonce (24) + tag (16) */
#define CRYPT_SALT_BYTES 16
/* The URI parameter that gives a new, empty file its salt (hex). */
#define CRYPT_URI_SALT "weft_salt"

/* Registers the VFS and makes it the default; initialises libsodium.
 * Idempotent.  Returns 0, or -1 with e filled. */
int crypt_setup(struct err *e);

/* 1 if hdr (the first n bytes of a file) starts like an encrypted case. */
int crypt_is_encrypted(const unsigned char *hdr, size_t n);

/* 1 if the key for this salt (the first CRYPT_SALT_BYTES of the file) is
 * already known to this process. */
int crypt_have_key(const unsigned char *salt);

/* Derives the key from pass for the case whose page 1 (CRYPT_PAGE_SIZE
 * bytes as on disk) is given, checks it against that page, and keeps it.
 * Returns 0, or -1 with e = "wrong passphrase (...)" or why not. */
int crypt_unlock(const unsigned char *page1, const char *pass, size_t len, struct err *e);

/* Makes and keeps a key for a new case: a fresh salt (written to salt,
 * CRYPT_SALT_BYTES) and Argon2id over pass.  Returns 0 or -1. */
int crypt_new_key(const char *pass, size_t len, unsigned char *salt, struct err *e);

/* Lays out a new, empty encrypted database opened on CRYPT_VFS with
 * CRYPT_URI_SALT: page size, reserved bytes, and page 1 written through a
 * rollback journal so the salt is on disk before any WAL frame.  The caller
 * switches to WAL afterwards.  Returns 0 or -1 with e filled. */
int crypt_format(sqlite3 *db, struct err *e);

/* The reason for the VFS's last failure in this thread ("page 4 does not
 * authenticate ..."), or "" (static, thread-local). */
const char *crypt_errmsg(void);

/* Asks for a passphrase: $WEFT_PASSPHRASE if set, else on the terminal
 * (/dev/tty, echo off) with prompt, twice if confirm.  Never from argv.
 * On success *pass is sodium_malloc'd (free with crypt_free_passphrase)
 * and *len its length; returns 0.  Returns CRYPT_NO_TTY when there is no
 * terminal to ask on, -1 on other errors (e filled in both cases). */
#define CRYPT_NO_TTY (-2)
int crypt_passphrase(const char *prompt, int confirm, char **pass, size_t *len, struct err *e);
void crypt_free_passphrase(char *pass);

/* Keeps core dumps (and debuggers of the same user) away from the keys. */
void crypt_no_core_dumps(void);

/* Counters, for tests and measurements (per process). */
struct crypt_stats {
	unsigned long long sealed, opened;   /* pages encrypted / decrypted */
	unsigned long long auth_failures;    /* pages that did not authenticate */
	unsigned long long torn_log_pages;   /* WAL/journal images given as zeros */
	unsigned long long temp_files;       /* temporary files opened (encrypted) */
	unsigned long long kdf_calls;
};
void crypt_get_stats(struct crypt_stats *s);

#endif
