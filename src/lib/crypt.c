/*
 * crypt.c — the encrypting VFS, the key table and the passphrase prompt
 * described in crypt.h.
 *
 * SQLite never tells a VFS which page it reads or writes; it follows from
 * the file's kind and the offset (P is the page size):
 *   main database  page n is at (n-1)*P and always written whole; page 1 is
 *                  also read in part (the 100-byte header), so reads go
 *                  through whole pages;
 *   WAL            a 32-byte header, then frames of a 24-byte header and a
 *                  P-byte image, written separately: images are at
 *                  32+24+k*(P+24); recovery reads whole frames, other reads
 *                  whole images;
 *   journal        sector-aligned headers, then records of a 4-byte page
 *                  number, the image and a 4-byte checksum, each read and
 *                  written on its own.  An image is at header+4+k*(P+8), so
 *                  never at a multiple of 512, while a header (which may be
 *                  exactly P bytes long) always is: that tells them apart.
 * The checksums in the WAL and journal are over the plaintext (SQLite
 * computes them before we see the bytes and checks them after we decrypt),
 * so a torn write after a crash is handled by SQLite as usual: an image that
 * does not authenticate is handed back as zeros, its checksum fails, and
 * the log ends there.
 *
 * The I/O methods are version 2: WAL (xShm*, passed through; the -shm file
 * holds page numbers, no content) but no xFetch, so SQLite never maps the
 * ciphertext into memory.
 */
#include "crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#define P CRYPT_PAGE_SIZE
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEY crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define SALT CRYPT_SALT_BYTES
#define CLEAR_HDR 24          /* page 1 bytes kept in clear: salt + 16..23 */
#define WAL_HDR 32
#define WAL_FRAME_HDR 24
#define FRAME (WAL_FRAME_HDR + P)
#define MAX_PASSPHRASE 1024

_Static_assert(NONCE + TAG == CRYPT_RESERVE, "the reserve holds nonce and tag");
_Static_assert(SALT == crypto_pwhash_SALTBYTES, "the salt takes the place of the 16-byte magic");

/* Format version 1: the tag, and the Argon2id cost fixed for it
 * (libsodium's MODERATE: 3 passes over 256 MiB, about 1 s). */
static const unsigned char format_tag[4] = {'w', 'f', 't', 1};
#define KDF_OPS 3ULL
#define KDF_MEM (256UL << 20)

enum kind { K_DB, K_WAL, K_JOURNAL, K_TEMP };

struct cfile {
	sqlite3_file base;
	sqlite3_file *real;         /* the wrapped file, right after this struct */
	enum kind kind;
	struct cfile *db;           /* WAL/journal: the main database (its key) */
	const unsigned char *key;   /* K_DB: in the key table, not owned */
	unsigned char salt[SALT];   /* K_DB: the file's salt */
	unsigned char *temp_key;    /* K_TEMP: sodium_malloc'd key + nonce, owned */
	int on_disk;                /* K_DB: page 1 (and the salt) is on disk */
	unsigned char *buf;         /* one page of scratch */
};

static sqlite3_vfs vfs;
static sqlite3_vfs *orig;
static const sqlite3_io_methods io;
static struct crypt_stats stats;
static __thread char errbuf[256];

#define COUNT(field) __atomic_fetch_add(&stats.field, 1, __ATOMIC_RELAXED)

static int fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof errbuf, fmt, ap);
	va_end(ap);
	return rc;
}

const char *crypt_errmsg(void)
{
	return errbuf;
}

void crypt_get_stats(struct crypt_stats *s)
{
	*s = stats;
}

/* ---- keys ------------------------------------------------------------------ */

/* The keys this process has unlocked, by salt.  Entries are never removed
 * (connections hold pointers to them); the memory is wiped at exit. */
struct key_slot {
	unsigned char salt[SALT];
	unsigned char *key;   /* sodium_malloc'd, KEY bytes */
};
static struct key_slot *slots;
static size_t nslots;
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

static const unsigned char *key_find(const unsigned char *salt)
{
	const unsigned char *k = NULL;
	pthread_mutex_lock(&slots_lock);
	for (size_t i = 0; i < nslots && !k; i++)
		if (!memcmp(slots[i].salt, salt, SALT))
			k = slots[i].key;
	pthread_mutex_unlock(&slots_lock);
	return k;
}

/* Keeps key (sodium_malloc'd; the table takes it) for salt. */
static void key_keep(const unsigned char *salt, unsigned char *key)
{
	pthread_mutex_lock(&slots_lock);
	slots = xrealloc(slots, (nslots + 1) * sizeof *slots);
	memcpy(slots[nslots].salt, salt, SALT);
	slots[nslots++].key = key;
	pthread_mutex_unlock(&slots_lock);
}

static void keys_wipe(void)
{
	for (size_t i = 0; i < nslots; i++)
		sodium_free(slots[i].key); /* zeroes it */
	free(slots);
	slots = NULL;
	nslots = 0;
}

int crypt_have_key(const unsigned char *salt)
{
	return key_find(salt) != NULL;
}

/* Argon2id over pass and salt into a new sodium_malloc'd key, or NULL. */
static unsigned char *derive(const char *pass, size_t len, const unsigned char *salt, struct err *e)
{
	unsigned char *key = sodium_malloc(KEY);
	if (!key) {
		err_set(e, "no memory for the key");
		return NULL;
	}
	COUNT(kdf_calls);
	if (crypto_pwhash(key, KEY, pass, len, salt, KDF_OPS, KDF_MEM, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_free(key);
		err_set(e, "deriving the key needs %lu MiB of memory, which is not available", KDF_MEM >> 20);
		return NULL;
	}
	return key;
}

/* ---- sealing ----------------------------------------------------------------- */

/* The additional data: the file kind, the position, and for page 1 the
 * header bytes kept in clear. */
static size_t make_ad(unsigned char *ad, char kind, unsigned long long pos, const unsigned char *clear,
		      size_t nclear)
{
	ad[0] = (unsigned char)kind;
	for (int i = 0; i < 8; i++)
		ad[1 + i] = (unsigned char)(pos >> (8 * i));
	memcpy(ad + 9, clear, nclear);
	return 9 + nclear;
}

/* Encrypts page (P bytes, in place): bytes [skip, P-RESERVE) are sealed;
 * the nonce and tag go to the reserve, which must be zero on entry.  SQLite
 * leaves reserved bytes alone; if they were ever used, sealing would
 * destroy data, so refuse. */
static int seal(const unsigned char *key, char kind, unsigned long long pos, unsigned char *page, size_t skip)
{
	unsigned char *nonce = page + P - CRYPT_RESERVE, *tag = nonce + NONCE;
	for (int i = 0; i < CRYPT_RESERVE; i++)
		if (nonce[i])
			return fail(SQLITE_IOERR_WRITE, "the reserved bytes of a page are in use (was the reserve set to %d?)",
				    CRYPT_RESERVE);
	unsigned char ad[9 + CLEAR_HDR];
	size_t nad = make_ad(ad, kind, pos, page, skip);
	randombytes_buf(nonce, NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(page + skip, tag, NULL, page + skip,
							    P - CRYPT_RESERVE - skip, ad, nad, NULL, nonce, key);
	COUNT(sealed);
	return SQLITE_OK;
}

/* Decrypts page in place and zeroes the reserve; -1 if it does not
 * authenticate (the page is then left as it was). */
static int unseal(const unsigned char *key, char kind, unsigned long long pos, unsigned char *page, size_t skip)
{
	unsigned char *nonce = page + P - CRYPT_RESERVE, *tag = nonce + NONCE;
	unsigned char ad[9 + CLEAR_HDR];
	size_t nad = make_ad(ad, kind, pos, page, skip);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(page + skip, NULL, page + skip,
								P - CRYPT_RESERVE - skip, tag, ad, nad, nonce, key) != 0) {
		COUNT(auth_failures);
		return -1;
	}
	memset(nonce, 0, CRYPT_RESERVE);
	COUNT(opened);
	return 0;
}

static int all_zero(const unsigned char *p, size_t n)
{
	unsigned char acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return !acc;
}

int crypt_is_encrypted(const unsigned char *hdr, size_t n)
{
	return n >= CLEAR_HDR && !memcmp(hdr, format_tag, sizeof format_tag);
}

/* Page size and reserve in the clear header bytes are the ones we write. */
static int header_fits(const unsigned char *hdr)
{
	return ((unsigned)hdr[16] << 8 | hdr[17]) == P && hdr[20] == CRYPT_RESERVE;
}

/* ---- the main database ---------------------------------------------------- */

static const unsigned char sqlite_magic[16] = "SQLite format 3";

/* Reads page pgno into p->buf, decrypted.  Returns SQLITE_OK,
 * SQLITE_IOERR_SHORT_READ (past the end: zeros) or an error. */
static int db_read_page(struct cfile *p, sqlite3_int64 pgno)
{
	int rc = p->real->pMethods->xRead(p->real, p->buf, P, (pgno - 1) * P);
	if (rc == SQLITE_IOERR_SHORT_READ && all_zero(p->buf, P))
		return rc;
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	if (all_zero(p->buf, P))
		return SQLITE_OK; /* a hole: what a plain file would hold there */
	size_t skip = pgno == 1 ? CLEAR_HDR : 0;
	if (unseal(p->key, 'D', (unsigned long long)pgno, p->buf, skip) < 0)
		return fail(SQLITE_IOERR_AUTH, "page %lld does not authenticate (tampered or damaged)",
			    (long long)pgno);
	if (pgno == 1)
		memcpy(p->buf, sqlite_magic, sizeof sqlite_magic);
	return rc;
}

static int db_read(struct cfile *p, void *out, int amt, sqlite3_int64 off)
{
	int short_read = 0;
	unsigned char *o = out;
	while (amt > 0) {
		sqlite3_int64 pgno = off / P + 1;
		int in = (int)(off % P), n = P - in < amt ? P - in : amt;
		int rc = db_read_page(p, pgno);
		if (rc == SQLITE_IOERR_SHORT_READ)
			short_read = 1;
		else if (rc != SQLITE_OK)
			return rc;
		memcpy(o, p->buf + in, (size_t)n);
		o += n, off += n, amt -= n;
	}
	return short_read ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

static int db_write(struct cfile *p, const void *data, int amt, sqlite3_int64 off)
{
	if (amt != P || off % P)
		return fail(SQLITE_IOERR_WRITE, "a database write of %d bytes at %lld is not one page", amt,
			    (long long)off);
	sqlite3_int64 pgno = off / P + 1;
	memcpy(p->buf, data, P);
	size_t skip = 0;
	if (pgno == 1) {
		if (!header_fits(p->buf))
			return fail(SQLITE_IOERR_WRITE, "page size %u and reserve %u, need %d and %d",
				    (unsigned)p->buf[16] << 8 | p->buf[17], p->buf[20], P, CRYPT_RESERVE);
		memcpy(p->buf, p->salt, SALT); /* in place of SQLite's magic */
		skip = CLEAR_HDR;
	}
	int rc = seal(p->key, 'D', (unsigned long long)pgno, p->buf, skip);
	if (rc == SQLITE_OK)
		rc = p->real->pMethods->xWrite(p->real, p->buf, P, off);
	if (rc == SQLITE_OK && pgno == 1)
		p->on_disk = 1;
	return rc;
}

/* ---- WAL and rollback journal ------------------------------------------- */

/* The offset of the image of WAL frame k. */
static sqlite3_int64 wal_image(sqlite3_int64 k)
{
	return WAL_HDR + k * FRAME + WAL_FRAME_HDR;
}

/* The first frame whose image ends after off. */
static sqlite3_int64 wal_first_frame(sqlite3_int64 off)
{
	return off < WAL_HDR + FRAME ? 0 : (off - WAL_HDR - WAL_FRAME_HDR - P) / FRAME + 1;
}

static int is_journal_image(int amt, sqlite3_int64 off)
{
	return amt == P && off % 512 != 0;
}

/* Decrypts the image at offset img (raw in buf); a torn or stale image
 * becomes zeros, so that SQLite's checksum rejects it. */
static void log_unseal(struct cfile *p, char kind, sqlite3_int64 img, unsigned char *buf)
{
	if (all_zero(buf, P))
		return;
	if (unseal(p->db->key, kind, (unsigned long long)img, buf, 0) < 0) {
		memset(buf, 0, P);
		COUNT(torn_log_pages);
	}
}

static int log_read(struct cfile *p, void *out, int amt, sqlite3_int64 off)
{
	sqlite3_file *r = p->real;
	int rc = r->pMethods->xRead(r, out, amt, off);
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	if (p->kind == K_JOURNAL) {
		if (is_journal_image(amt, off))
			log_unseal(p, 'J', off, out);
		return rc;
	}
	/* WAL: put every page image the range touches in clear. */
	unsigned char *o = out;
	sqlite3_int64 end = off + amt;
	for (sqlite3_int64 k = wal_first_frame(off); wal_image(k) < end; k++) {
		sqlite3_int64 img = wal_image(k);
		if (img + P <= off)
			continue;
		if (img >= off && img + P <= end) {
			log_unseal(p, 'W', img, o + (img - off));
			continue;
		}
		/* partly covered: read the whole image aside */
		int r2 = r->pMethods->xRead(r, p->buf, P, img);
		if (r2 != SQLITE_OK && r2 != SQLITE_IOERR_SHORT_READ)
			return r2;
		log_unseal(p, 'W', img, p->buf);
		sqlite3_int64 a = img > off ? img : off, b = img + P < end ? img + P : end;
		memcpy(o + (a - off), p->buf + (a - img), (size_t)(b - a));
	}
	return rc;
}

static int log_write(struct cfile *p, const void *data, int amt, sqlite3_int64 off)
{
	sqlite3_file *r = p->real;
	int image;
	if (p->kind == K_JOURNAL) {
		image = is_journal_image(amt, off);
	} else {
		sqlite3_int64 k = wal_first_frame(off);
		image = amt == P && wal_image(k) == off;
		/* Anything else must stay out of the images: a write that cut one
		 * in parts would put plaintext on disk.  SQLite writes frame
		 * headers and images separately, and splits nothing on a file
		 * system with powersafe overwrite (the unix VFS's default). */
		if (!image && wal_image(k) < off + amt)
			return fail(SQLITE_IOERR_WRITE, "a WAL write of %d bytes at %lld cuts a page image", amt,
				    (long long)off);
	}
	if (!image)
		return r->pMethods->xWrite(r, data, amt, off);
	/* A log written before page 1 (the salt) is on disk could not be read
	 * back after a crash: crypt_format() writes page 1 first. */
	if (!p->db->on_disk)
		return fail(SQLITE_IOERR_WRITE, "a log written before the database header");
	memcpy(p->buf, data, P);
	int rc = seal(p->db->key, p->kind == K_WAL ? 'W' : 'J', (unsigned long long)off, p->buf, 0);
	return rc == SQLITE_OK ? r->pMethods->xWrite(r, p->buf, P, off) : rc;
}

/* ---- temporary files: a stream cipher keyed per file ---------------------- */

static void temp_xor(struct cfile *p, unsigned char *data, size_t n, sqlite3_int64 off)
{
	/* keystream block i covers bytes [64i, 64i+64) of the file */
	const unsigned char *key = p->temp_key, *nonce = p->temp_key + KEY;
	unsigned char block[64];
	while (n > 0) {
		size_t in = (size_t)(off % 64), take = 64 - in < n ? 64 - in : n;
		if (in == 0 && n >= 64) { /* whole blocks at once */
			size_t whole = n & ~(size_t)63;
			crypto_stream_xchacha20_xor_ic(data, data, whole, nonce, (uint64_t)off / 64, key);
			data += whole, off += (sqlite3_int64)whole, n -= whole;
			continue;
		}
		memset(block, 0, sizeof block);
		crypto_stream_xchacha20_xor_ic(block, block, sizeof block, nonce, (uint64_t)off / 64, key);
		for (size_t i = 0; i < take; i++)
			data[i] ^= block[in + i];
		data += take, off += (sqlite3_int64)take, n -= take;
	}
	sodium_memzero(block, sizeof block);
}

static int temp_read(struct cfile *p, void *out, int amt, sqlite3_int64 off)
{
	int rc = p->real->pMethods->xRead(p->real, out, amt, off);
	if (rc == SQLITE_OK) {
		temp_xor(p, out, (size_t)amt, off);
	} else if (rc == SQLITE_IOERR_SHORT_READ) {
		sqlite3_int64 size = 0;
		p->real->pMethods->xFileSize(p->real, &size);
		if (size > off) /* the zero tail past the end stays zero */
			temp_xor(p, out, (size_t)(size - off), off);
	}
	return rc;
}

static int temp_write(struct cfile *p, const void *data, int amt, sqlite3_int64 off)
{
	unsigned char *copy = amt <= P ? p->buf : sqlite3_malloc(amt);
	if (!copy)
		return SQLITE_IOERR_NOMEM;
	memcpy(copy, data, (size_t)amt);
	temp_xor(p, copy, (size_t)amt, off);
	int rc = p->real->pMethods->xWrite(p->real, copy, amt, off);
	if (copy != p->buf)
		sqlite3_free(copy);
	return rc;
}

/* ---- I/O methods ------------------------------------------------------------- */

static int x_close(sqlite3_file *f)
{
	struct cfile *p = (struct cfile *)f;
	int rc = p->real->pMethods ? p->real->pMethods->xClose(p->real) : SQLITE_OK;
	if (p->temp_key)
		sodium_free(p->temp_key);
	if (p->buf)
		sodium_memzero(p->buf, P);
	sqlite3_free(p->buf);
	p->temp_key = NULL;
	p->buf = NULL;
	return rc;
}

static int x_read(sqlite3_file *f, void *out, int amt, sqlite3_int64 off)
{
	struct cfile *p = (struct cfile *)f;
	switch (p->kind) {
	case K_DB: return db_read(p, out, amt, off);
	case K_WAL:
	case K_JOURNAL: return log_read(p, out, amt, off);
	case K_TEMP: return temp_read(p, out, amt, off);
	}
	return SQLITE_IOERR_READ;
}

static int x_write(sqlite3_file *f, const void *data, int amt, sqlite3_int64 off)
{
	struct cfile *p = (struct cfile *)f;
	switch (p->kind) {
	case K_DB: return db_write(p, data, amt, off);
	case K_WAL:
	case K_JOURNAL: return log_write(p, data, amt, off);
	case K_TEMP: return temp_write(p, data, amt, off);
	}
	return SQLITE_IOERR_WRITE;
}

#define REAL(f) (((struct cfile *)(f))->real)
static int x_truncate(sqlite3_file *f, sqlite3_int64 size) { return REAL(f)->pMethods->xTruncate(REAL(f), size); }
static int x_sync(sqlite3_file *f, int flags) { return REAL(f)->pMethods->xSync(REAL(f), flags); }
static int x_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int x_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int x_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int x_reserved(sqlite3_file *f, int *out) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out); }
static int x_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int x_devchar(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int x_shmmap(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp);
}
static int x_shmlock(sqlite3_file *f, int off, int n, int flags) { return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags); }
static void x_shmbarrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int x_shmunmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }

static int x_fcntl(sqlite3_file *f, int op, void *arg)
{
	if (op == SQLITE_FCNTL_VFSNAME) {
		*(char **)arg = sqlite3_mprintf("%s", CRYPT_VFS);
		return SQLITE_OK;
	}
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

/* Version 2: WAL, but no memory mapping (xFetch), which would hand SQLite
 * the ciphertext. */
static const sqlite3_io_methods io = {
	2, x_close, x_read, x_write, x_truncate, x_sync, x_size, x_lock, x_unlock, x_reserved,
	x_fcntl, x_sector, x_devchar, x_shmmap, x_shmlock, x_shmbarrier, x_shmunmap, NULL, NULL,
};

/* ---- opening ------------------------------------------------------------------- */

static int hex_salt(const char *hex, unsigned char *salt)
{
	size_t n;
	return hex && sodium_hex2bin(salt, SALT, hex, strlen(hex), NULL, &n, NULL) == 0 && n == SALT ? 0 : -1;
}

/* The main database.  Returns SQLITE_OK with p->key set for an encrypted
 * case, SQLITE_NOTFOUND for a file that is not one (the caller passes it
 * through), or an error. */
static int open_db(struct cfile *p, const char *name)
{
	sqlite3_int64 size = 0;
	int rc = p->real->pMethods->xFileSize(p->real, &size);
	if (rc != SQLITE_OK)
		return rc;
	if (size == 0) {
		/* A new file is encrypted only when asked, with a key made
		 * by crypt_new_key(). */
		if (hex_salt(sqlite3_uri_parameter(name, CRYPT_URI_SALT), p->salt) < 0)
			return SQLITE_NOTFOUND;
		p->key = key_find(p->salt);
		return p->key ? SQLITE_OK : fail(SQLITE_AUTH, "no key for the new case");
	}
	unsigned char hdr[CLEAR_HDR];
	rc = p->real->pMethods->xRead(p->real, hdr, sizeof hdr, 0);
	if (rc == SQLITE_IOERR_SHORT_READ || (rc == SQLITE_OK && !crypt_is_encrypted(hdr, sizeof hdr)))
		return SQLITE_NOTFOUND;
	if (rc != SQLITE_OK)
		return rc;
	if (!header_fits(hdr))
		return fail(SQLITE_NOTADB, "an encrypted case with page size %u and reserve %u (damaged?)",
			    (unsigned)hdr[16] << 8 | hdr[17], hdr[20]);
	memcpy(p->salt, hdr, SALT);
	p->key = key_find(p->salt);
	if (!p->key)
		return fail(SQLITE_AUTH, "an encrypted case and no passphrase given for it");
	p->on_disk = 1;
	return SQLITE_OK;
}

static int x_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct cfile *p = (struct cfile *)f;
	int rc = SQLITE_OK;
	if (flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) {
		sqlite3_file *db = sqlite3_database_file_object(name);
		if (!db || db->pMethods != &io) /* the log of a plain database */
			return orig->xOpen(orig, name, f, flags, out_flags);
	} else if (!(flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TEMP_JOURNAL |
			      SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TRANSIENT_DB))) {
		return orig->xOpen(orig, name, f, flags, out_flags); /* super-journal: names only */
	}
	memset(p, 0, sizeof *p);
	p->real = (sqlite3_file *)&p[1];
	rc = orig->xOpen(orig, name, p->real, flags, out_flags);
	if (rc != SQLITE_OK)
		return rc;
	p->base.pMethods = &io;
	p->buf = sqlite3_malloc(P);
	if (!p->buf)
		rc = SQLITE_NOMEM;
	else if (flags & SQLITE_OPEN_MAIN_DB) {
		p->kind = K_DB;
		rc = open_db(p, name);
		if (rc == SQLITE_NOTFOUND) { /* not an encrypted case: the system's VFS alone */
			x_close(f);
			memset(p, 0, sizeof *p);
			return orig->xOpen(orig, name, f, flags, out_flags);
		}
	} else if (flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) {
		p->kind = flags & SQLITE_OPEN_WAL ? K_WAL : K_JOURNAL;
		p->db = (struct cfile *)sqlite3_database_file_object(name);
	} else {
		p->kind = K_TEMP;
		COUNT(temp_files);
		p->temp_key = sodium_malloc(KEY + crypto_stream_xchacha20_NONCEBYTES);
		if (p->temp_key)
			randombytes_buf(p->temp_key, KEY + crypto_stream_xchacha20_NONCEBYTES);
		else
			rc = SQLITE_NOMEM;
	}
	if (rc != SQLITE_OK) {
		x_close(f);
		p->base.pMethods = NULL;
	}
	return rc;
}

/* Everything else is the system VFS's. */
static int v_delete(sqlite3_vfs *v, const char *n, int sync) { return orig->xDelete(orig, n, sync); }
static int v_access(sqlite3_vfs *v, const char *n, int fl, int *out) { return orig->xAccess(orig, n, fl, out); }
static int v_fullpath(sqlite3_vfs *v, const char *n, int len, char *out) { return orig->xFullPathname(orig, n, len, out); }
static void *v_dlopen(sqlite3_vfs *v, const char *n) { return orig->xDlOpen(orig, n); }
static void v_dlerror(sqlite3_vfs *v, int n, char *msg) { orig->xDlError(orig, n, msg); }
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *s))(void) { return orig->xDlSym(orig, h, s); }
static void v_dlclose(sqlite3_vfs *v, void *h) { orig->xDlClose(orig, h); }
static int v_random(sqlite3_vfs *v, int n, char *out) { return orig->xRandomness(orig, n, out); }
static int v_sleep(sqlite3_vfs *v, int us) { return orig->xSleep(orig, us); }
static int v_time(sqlite3_vfs *v, double *t) { return orig->xCurrentTime(orig, t); }
static int v_lasterr(sqlite3_vfs *v, int n, char *msg) { return orig->xGetLastError(orig, n, msg); }
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *t) { return orig->xCurrentTimeInt64(orig, t); }

int crypt_setup(struct err *e)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int rc = 0;
	pthread_mutex_lock(&lock);
	if (orig)
		goto out;
	if (sodium_init() < 0) {
		rc = err_set(e, "libsodium cannot start");
		goto out;
	}
	sqlite3_vfs *sys = sqlite3_vfs_find(NULL);
	if (!sys) {
		rc = err_set(e, "SQLite has no file system layer");
		goto out;
	}
	vfs = (sqlite3_vfs){
		2, (int)(sizeof(struct cfile) + (size_t)sys->szOsFile), sys->mxPathname, NULL, CRYPT_VFS,
		NULL, x_open, v_delete, v_access, v_fullpath, v_dlopen, v_dlerror, v_dlsym, v_dlclose,
		v_random, v_sleep, v_time, v_lasterr, v_time64, NULL, NULL, NULL,
	};
	orig = sys; /* before registering: another thread may open through it at once */
	if (sqlite3_vfs_register(&vfs, 1) != SQLITE_OK) {
		orig = NULL;
		rc = err_set(e, "cannot register the encrypting file layer");
		goto out;
	}
	atexit(keys_wipe);
out:
	pthread_mutex_unlock(&lock);
	return rc;
}

/* ---- keys for cases ------------------------------------------------------------ */

int crypt_unlock(const unsigned char *page1, const char *pass, size_t len, struct err *e)
{
	if (!crypt_is_encrypted(page1, P) || !header_fits(page1))
		return err_set(e, "not an encrypted case this weft can read");
	if (crypt_have_key(page1))
		return 0;
	unsigned char *key = derive(pass, len, page1, e);
	if (!key)
		return -1;
	unsigned char *copy = sodium_malloc(P);
	if (!copy) {
		sodium_free(key);
		return err_set(e, "no memory to check the passphrase");
	}
	memcpy(copy, page1, P);
	int ok = unseal(key, 'D', 1, copy, CLEAR_HDR) == 0;
	sodium_free(copy); /* zeroes the plaintext of page 1 */
	if (!ok) {
		sodium_free(key);
		return err_set(e, "wrong passphrase (or the case's first page is damaged)");
	}
	key_keep(page1, key);
	return 0;
}

int crypt_new_key(const char *pass, size_t len, unsigned char *salt, struct err *e)
{
	memcpy(salt, format_tag, sizeof format_tag);
	randombytes_buf(salt + sizeof format_tag, SALT - sizeof format_tag);
	unsigned char *key = derive(pass, len, salt, e);
	if (!key)
		return -1;
	key_keep(salt, key);
	return 0;
}

int crypt_format(sqlite3 *db, struct err *e)
{
	int reserve = CRYPT_RESERVE;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA page_size=%d", P);
	/* The page size and reserve can only be set before page 1 exists;
	 * page 1 is then written through a rollback journal, so the salt is on
	 * disk before any WAL frame needs it. */
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=DELETE; PRAGMA user_version=1; PRAGMA user_version=0;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return err_set(e, "cannot lay out the encrypted case: %s",
			       *crypt_errmsg() ? crypt_errmsg() : sqlite3_errmsg(db));
	return 0;
}

/* ---- the passphrase ------------------------------------------------------------- */

static int tty_fd = -1;
static struct termios tty_saved;

static void tty_restore(void)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
}

/* Ctrl-C at the prompt: give the terminal its echo back, then die of it. */
static void tty_signal(int sig)
{
	tty_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Reads one line from the terminal with echo off into buf (cap bytes);
 * returns its length, or -1. */
static ssize_t tty_read_line(const char *prompt, char *buf, size_t cap)
{
	struct termios t = tty_saved;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	t.c_lflag |= ECHONL;
	if (tcsetattr(tty_fd, TCSAFLUSH, &t) < 0)
		return -1;
	ssize_t w = write(tty_fd, prompt, strlen(prompt));
	(void)w;
	size_t n = 0;
	char c;
	ssize_t r;
	while ((r = read(tty_fd, &c, 1)) == 1 && c != '\n' && c != '\r')
		if (n + 1 < cap)
			buf[n++] = c;
	tty_restore();
	if (r < 0)
		return -1;
	buf[n] = 0;
	return (ssize_t)n;
}

void crypt_free_passphrase(char *pass)
{
	if (pass)
		sodium_free(pass); /* zeroes it */
}

int crypt_passphrase(const char *prompt, int confirm, char **pass, size_t *len, struct err *e)
{
	*pass = NULL;
	*len = 0;
	if (sodium_init() < 0)
		return err_set(e, "libsodium cannot start");
	char *buf = sodium_malloc(MAX_PASSPHRASE);
	if (!buf)
		return err_set(e, "no memory for the passphrase");
	const char *env = getenv("WEFT_PASSPHRASE");
	if (env && *env) {
		size_t n = strlen(env);
		if (n >= MAX_PASSPHRASE) {
			sodium_free(buf);
			return err_set(e, "WEFT_PASSPHRASE is longer than %d bytes", MAX_PASSPHRASE - 1);
		}
		memcpy(buf, env, n + 1);
		*pass = buf;
		*len = n;
		return 0;
	}
	tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty_fd < 0 || tcgetattr(tty_fd, &tty_saved) < 0) {
		if (tty_fd >= 0)
			close(tty_fd);
		tty_fd = -1;
		sodium_free(buf);
		err_set(e, "no terminal to ask for the passphrase on");
		return CRYPT_NO_TTY;
	}
	int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	struct sigaction sa = {0}, old[4];
	sa.sa_handler = tty_signal;
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	int rc = 0;
	ssize_t n = tty_read_line(prompt, buf, MAX_PASSPHRASE);
	if (n < 0) {
		rc = err_set(e, "cannot read the passphrase from the terminal: %s", strerror(errno));
	} else if (confirm) {
		char *again = sodium_malloc(MAX_PASSPHRASE);
		ssize_t m = again ? tty_read_line("Same passphrase again: ", again, MAX_PASSPHRASE) : -1;
		if (m < 0)
			rc = err_set(e, "cannot read the passphrase from the terminal");
		else if (m != n || sodium_memcmp(buf, again, (size_t)n) != 0)
			rc = err_set(e, "the two passphrases differ");
		if (again)
			sodium_free(again);
	}
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	close(tty_fd);
	tty_fd = -1;
	if (rc < 0) {
		sodium_free(buf);
		return rc;
	}
	*pass = buf;
	*len = (size_t)n;
	return 0;
}

void crypt_no_core_dumps(void)
{
	/* Under AddressSanitizer the leak checker must still be able to
	 * trace the process at exit, which a non-dumpable process forbids. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_ASAN 1
#endif
#endif
#if !defined(__SANITIZE_ADDRESS__) && !defined(WEFT_ASAN)
	prctl(PR_SET_DUMPABLE, 0);
#endif
}
