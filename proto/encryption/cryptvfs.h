/*
 * cryptvfs.h — a prototype SQLite VFS shim that encrypts a database at rest
 * with libsodium, for weft's case files (see docs/ENCRYPTION.md).  Not
 * linked into weft.
 *
 * Every page of the main database, every page image in the WAL and in the
 * rollback journal is sealed on its way to disk with XChaCha20-Poly1305
 * (random 24-byte nonce, 16-byte tag), both kept in the last 40 bytes of
 * the page, which SQLite is told to leave alone ("reserved bytes per page",
 * SQLITE_FCNTL_RESERVE_BYTES).  The additional data binds each sealed page
 * to its place (database page number, WAL frame, journal offset), so pages
 * cannot be swapped unnoticed.  The key is derived from a passphrase with
 * Argon2id (crypto_pwhash) and a random 16-byte salt stored where SQLite's
 * "SQLite format 3" magic would be.  Temporary files (sorts, statement
 * journals) get a per-file random key and a stream cipher, though weft
 * should keep them in memory (PRAGMA temp_store=MEMORY).
 *
 * What stays in clear: the salt and bytes 16..23 of the database header
 * (page size, file format versions, reserved-byte count), the WAL header
 * and frame headers (page numbers, commit sizes, salts, checksums), the
 * rollback journal's header and record page numbers, and the whole -shm
 * file (the WAL index: page numbers and frame positions, no content).
 *
 * Use: cryptvfs_register() once, then cryptvfs_create() / cryptvfs_open()
 * instead of sqlite3_open_v2().  Page size is fixed at CRYPTVFS_PAGE_SIZE.
 */
#ifndef CRYPTVFS_H
#define CRYPTVFS_H

#include <stddef.h>

#include <sqlite3.h>

#define CRYPTVFS_NAME "weftcrypt"
#define CRYPTVFS_PAGE_SIZE 4096
#define CRYPTVFS_RESERVE 40          /* nonce (24) + tag (16) */

/* Registers the VFS (wrapping the default one, not made default).
 * Initialises libsodium.  Returns SQLITE_OK or an error code. */
int cryptvfs_register(void);

/* Argon2id cost for keys derived from now on (defaults: libsodium's
 * MODERATE, 3 passes over 256 MiB). */
void cryptvfs_set_kdf(unsigned long long opslimit, size_t memlimit);

/* Creates an encrypted database at path (which must not exist or be empty)
 * with the passphrase, in WAL mode, and returns the open connection in *db.
 * Returns SQLITE_OK, or an error code with the reason in cryptvfs_errmsg(). */
int cryptvfs_create(const char *path, const char *pass, size_t passlen, sqlite3 **db);

/* Opens an existing encrypted database.  flags as for sqlite3_open_v2.
 * A wrong passphrase gives SQLITE_AUTH, a database that is not encrypted
 * SQLITE_NOTADB; the file is not modified in either case. */
int cryptvfs_open(const char *path, const char *pass, size_t passlen, int flags, sqlite3 **db);

/* The reason for the last failure in this thread (static buffer). */
const char *cryptvfs_errmsg(void);

/* Counters, for tests and measurements (per process). */
struct cryptvfs_stats {
	unsigned long long sealed, opened;   /* pages encrypted / decrypted */
	unsigned long long auth_failures;    /* pages that did not authenticate */
	unsigned long long torn_wal_frames;  /* WAL/journal pages given as zeros */
	unsigned long long temp_files;       /* temporary files opened */
	unsigned long long kdf_calls;
	double kdf_seconds;
};
void cryptvfs_get_stats(struct cryptvfs_stats *s);

#endif
