/*
 * cryptvfs.c — the encrypting VFS shim described in cryptvfs.h.
 *
 * SQLite never tells a VFS which page it is reading or writing; it is
 * deduced from the file's kind and the offset:
 *   main database  page n is at (n-1)*P, always written whole; page 1 is
 *                  also read in part (the 100-byte header), so reads go
 *                  through whole pages;
 *   WAL            a 32-byte header, then frames of a 24-byte header and P
 *                  bytes of page image: images are at 32+24+k*(P+24);
 *                  recovery reads whole frames, other reads whole images;
 *   journal        sector-aligned headers, then records of a 4-byte page
 *                  number, P bytes of image and a 4-byte checksum, each read
 *                  and written on its own.  An image is at header+4+k*(P+8),
 *                  so never at a multiple of 512, while a header (which may
 *                  be exactly P bytes long) always is: that tells them apart.
 * The checksums SQLite keeps in the WAL and journal are over the plaintext
 * (it computes them before the VFS sees the bytes and checks them after we
 * decrypt), so a torn write after a crash is handled by SQLite as usual:
 * an image that does not authenticate is handed back as zeros, its
 * checksum fails, and the log ends there.
 */
#include "cryptvfs.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#define P CRYPTVFS_PAGE_SIZE
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SALT crypto_pwhash_SALTBYTES
#define CLEAR_HDR 24             /* page 1 bytes kept in clear: salt + 16..23 */
#define WAL_HDR 32
#define WAL_FRAME_HDR 24

_Static_assert(NONCE + TAG == CRYPTVFS_RESERVE, "reserve holds nonce and tag");
_Static_assert(SALT == 16, "the salt takes the place of the 16-byte magic");

enum kind { K_PASS, K_DB, K_WAL, K_JOURNAL, K_TEMP };

struct cfile {
	sqlite3_file base;
	sqlite3_file *real;           /* the wrapped file, right after this struct */
	enum kind kind;
	struct cfile *db;             /* WAL/journal: the main database (its key) */
	unsigned char *key;           /* sodium_malloc'd: 32 bytes (+ 24 nonce for temp) */
	unsigned char salt[SALT];
	int on_disk;                  /* main db: page 1 is on disk (salt stored) */
	unsigned char *buf;           /* one page of scratch */
};

static sqlite3_vfs vfs;
static sqlite3_vfs *orig;
static const sqlite3_io_methods io;
static struct cryptvfs_stats stats;
static unsigned long long kdf_ops;
static size_t kdf_mem;
static pthread_mutex_t pass_lock = PTHREAD_MUTEX_INITIALIZER;
static char *pending;          /* passphrase for the next main-db open */
static size_t pending_len;
static __thread char errbuf[256];

static int fail(int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof errbuf, fmt, ap);
	va_end(ap);
	sqlite3_log(rc, "cryptvfs: %s", errbuf);
	return rc;
}

const char *cryptvfs_errmsg(void)
{
	return errbuf;
}

void cryptvfs_get_stats(struct cryptvfs_stats *s)
{
	*s = stats;
}

void cryptvfs_set_kdf(unsigned long long opslimit, size_t memlimit)
{
	kdf_ops = opslimit;
	kdf_mem = memlimit;
}

/* ---- sealing ---------------------------------------------------------- */

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

/* Encrypts page (P bytes, in place): bytes [skip, P-40) are sealed, the
 * nonce and tag go to the last 40 bytes, which must be zero on entry
 * (SQLite leaves reserved bytes alone; if it ever did not, we would
 * destroy data, so refuse). */
static int seal(const unsigned char *key, char kind, unsigned long long pos, unsigned char *page, size_t skip)
{
	unsigned char *nonce = page + P - CRYPTVFS_RESERVE, *tag = nonce + NONCE;
	for (int i = 0; i < CRYPTVFS_RESERVE; i++)
		if (nonce[i])
			return fail(SQLITE_IOERR_WRITE, "reserved bytes in use (was the reserve set to %d?)",
				    CRYPTVFS_RESERVE);
	unsigned char ad[9 + CLEAR_HDR];
	size_t nad = make_ad(ad, kind, pos, page, skip);
	randombytes_buf(nonce, NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(page + skip, tag, NULL, page + skip,
							    P - CRYPTVFS_RESERVE - skip, ad, nad, NULL, nonce, key);
	stats.sealed++;
	return SQLITE_OK;
}

/* Decrypts page in place and zeroes the reserve; -1 if it does not
 * authenticate. */
static int unseal(const unsigned char *key, char kind, unsigned long long pos, unsigned char *page, size_t skip)
{
	unsigned char *nonce = page + P - CRYPTVFS_RESERVE, *tag = nonce + NONCE;
	unsigned char ad[9 + CLEAR_HDR];
	size_t nad = make_ad(ad, kind, pos, page, skip);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(page + skip, NULL, page + skip,
								P - CRYPTVFS_RESERVE - skip, tag, ad, nad, nonce,
								key) != 0) {
		stats.auth_failures++;
		return -1;
	}
	memset(nonce, 0, CRYPTVFS_RESERVE);
	stats.opened++;
	return 0;
}

static int all_zero(const unsigned char *p, size_t n)
{
	unsigned char acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return !acc;
}

/* ---- main database ---------------------------------------------------- */

static const unsigned char magic[16] = "SQLite format 3";

/* Reads page pgno raw into p->buf and decrypts it.  SQLITE_OK,
 * SQLITE_IOERR_SHORT_READ (past the end: zeros), or an error. */
static int db_read_page(struct cfile *p, sqlite3_int64 pgno)
{
	int rc = p->real->pMethods->xRead(p->real, p->buf, P, (pgno - 1) * P);
	if (rc == SQLITE_IOERR_SHORT_READ && all_zero(p->buf, P))
		return rc;
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	if (all_zero(p->buf, P))
		return SQLITE_OK;          /* a hole: what a plain file would hold */
	size_t skip = pgno == 1 ? CLEAR_HDR : 0;
	if (unseal(p->key, 'D', (unsigned long long)pgno, p->buf, skip) < 0)
		return fail(SQLITE_IOERR_AUTH, "page %lld does not authenticate (tampered or damaged)",
			    (long long)pgno);
	if (pgno == 1)
		memcpy(p->buf, magic, 16);
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
		return fail(SQLITE_IOERR_WRITE, "database write of %d bytes at %lld is not one page", amt,
			    (long long)off);
	sqlite3_int64 pgno = off / P + 1;
	memcpy(p->buf, data, P);
	size_t skip = 0;
	if (pgno == 1) {
		unsigned ps = (unsigned)p->buf[16] << 8 | p->buf[17];
		if (ps != P || p->buf[20] != CRYPTVFS_RESERVE)
			return fail(SQLITE_IOERR_WRITE, "page size %u / reserve %u, need %d / %d", ps, p->buf[20],
				    P, CRYPTVFS_RESERVE);
		memcpy(p->buf, p->salt, SALT);
		skip = CLEAR_HDR;
	}
	int rc = seal(p->key, 'D', (unsigned long long)pgno, p->buf, skip);
	if (rc == SQLITE_OK)
		rc = p->real->pMethods->xWrite(p->real, p->buf, P, off);
	if (rc == SQLITE_OK && pgno == 1)
		p->on_disk = 1;
	return rc;
}

/* ---- WAL and journal ---------------------------------------------------- */

#define FRAME (WAL_FRAME_HDR + P)

/* The offset of the page image of WAL frame k. */
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

/* Decrypts the image at img (raw in buf); a torn or stale image becomes
 * zeros, so that SQLite's checksum rejects it. */
static void log_unseal(struct cfile *p, char kind, sqlite3_int64 img, unsigned char *buf)
{
	if (all_zero(buf, P))
		return;
	if (unseal(p->db->key, kind, (unsigned long long)img, buf, 0) < 0) {
		memset(buf, 0, P);
		stats.torn_wal_frames++;
	}
}

static int log_read(struct cfile *p, void *out, int amt, sqlite3_int64 off)
{
	sqlite3_file *r = p->real;
	if (p->kind == K_JOURNAL) {
		int rc = r->pMethods->xRead(r, out, amt, off);
		if ((rc == SQLITE_OK || rc == SQLITE_IOERR_SHORT_READ) && is_journal_image(amt, off))
			log_unseal(p, 'J', off, out);
		return rc;
	}
	/* WAL: read raw, then put every page image the range touches in clear. */
	int rc = r->pMethods->xRead(r, out, amt, off);
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	unsigned char *o = out;
	sqlite3_int64 end = off + amt;
	for (sqlite3_int64 k = wal_first_frame(off); wal_image(k) < end; k++) {
		sqlite3_int64 img = wal_image(k);
		if (img + P <= off)
			continue;
		if (img >= off && img + P <= end) {
			log_unseal(p, 'W', img, o + (img - off));
		} else { /* partly covered: read the whole image aside */
			int r2 = r->pMethods->xRead(r, p->buf, P, img);
			if (r2 != SQLITE_OK && r2 != SQLITE_IOERR_SHORT_READ)
				return r2;
			log_unseal(p, 'W', img, p->buf);
			sqlite3_int64 a = img > off ? img : off, b = img + P < end ? img + P : end;
			memcpy(o + (a - off), p->buf + (a - img), (size_t)(b - a));
		}
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
		/* Anything else must stay out of the images: a write that cut
		 * one in parts would put plaintext on disk.  SQLite writes frame
		 * headers and images separately, and splits nothing on a
		 * file system with powersafe overwrite (the unix VFS's default). */
		if (!image && wal_image(k) < off + amt)
			return fail(SQLITE_IOERR_WRITE, "WAL write of %d bytes at %lld cuts a page image", amt,
				    (long long)off);
	}
	if (!image)
		return r->pMethods->xWrite(r, data, amt, off);
	/* A WAL before the database has its page 1 (and salt) on disk could
	 * not be read back after a crash: cryptvfs_create() prevents it. */
	if (!p->db->on_disk)
		return fail(SQLITE_IOERR_WRITE, "log written before the database header");
	memcpy(p->buf, data, P);
	int rc = seal(p->db->key, p->kind == K_WAL ? 'W' : 'J', (unsigned long long)off, p->buf, 0);
	return rc == SQLITE_OK ? r->pMethods->xWrite(r, p->buf, P, off) : rc;
}

/* ---- temporary files: a stream cipher keyed per file ------------------ */

static void temp_xor(struct cfile *p, unsigned char *data, size_t n, sqlite3_int64 off)
{
	/* keystream block i covers bytes [64i, 64i+64) of the file */
	unsigned char block[64];
	while (n > 0) {
		size_t in = (size_t)(off % 64), take = 64 - in < n ? 64 - in : n;
		if (in == 0 && n >= 64) { /* whole blocks at once */
			size_t whole = n & ~(size_t)63;
			crypto_stream_xchacha20_xor_ic(data, data, whole, p->key + 32, (uint64_t)off / 64, p->key);
			data += whole, off += (sqlite3_int64)whole, n -= whole;
			continue;
		}
		memset(block, 0, 64);
		crypto_stream_xchacha20_xor_ic(block, block, 64, p->key + 32, (uint64_t)off / 64, p->key);
		for (size_t i = 0; i < take; i++)
			data[i] ^= block[in + i];
		data += take, off += (sqlite3_int64)take, n -= take;
	}
}

static int temp_read(struct cfile *p, void *out, int amt, sqlite3_int64 off)
{
	int rc = p->real->pMethods->xRead(p->real, out, amt, off);
	if (rc == SQLITE_OK) {
		temp_xor(p, out, (size_t)amt, off);
	} else if (rc == SQLITE_IOERR_SHORT_READ) {
		sqlite3_int64 size = 0;
		p->real->pMethods->xFileSize(p->real, &size);
		if (size > off)
			temp_xor(p, out, (size_t)(size - off), off); /* the zero tail stays zero */
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

/* ---- io methods ----------------------------------------------------------- */

static int x_close(sqlite3_file *f)
{
	struct cfile *p = (struct cfile *)f;
	int rc = p->real->pMethods ? p->real->pMethods->xClose(p->real) : SQLITE_OK;
	if (p->key)
		sodium_free(p->key);
	sqlite3_free(p->buf);
	p->key = NULL;
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
	default: return p->real->pMethods->xRead(p->real, out, amt, off);
	}
}

static int x_write(sqlite3_file *f, const void *data, int amt, sqlite3_int64 off)
{
	struct cfile *p = (struct cfile *)f;
	switch (p->kind) {
	case K_DB: return db_write(p, data, amt, off);
	case K_WAL:
	case K_JOURNAL: return log_write(p, data, amt, off);
	case K_TEMP: return temp_write(p, data, amt, off);
	default: return p->real->pMethods->xWrite(p->real, data, amt, off);
	}
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
	struct cfile *p = (struct cfile *)f;
	if (op == SQLITE_FCNTL_VFSNAME) {
		*(char **)arg = sqlite3_mprintf("%s", CRYPTVFS_NAME);
		return SQLITE_OK;
	}
	return p->real->pMethods->xFileControl(p->real, op, arg);
}

/* Version 2: WAL (xShm*) but no memory mapping (xFetch), which would
 * hand SQLite the ciphertext. */
static const sqlite3_io_methods io = {
	2, x_close, x_read, x_write, x_truncate, x_sync, x_size, x_lock, x_unlock, x_reserved,
	x_fcntl, x_sector, x_devchar, x_shmmap, x_shmlock, x_shmbarrier, x_shmunmap, NULL, NULL,
};

/* ---- opening ---------------------------------------------------------------- */

static int derive(struct cfile *p, const char *pass, size_t len)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int r = crypto_pwhash(p->key, 32, pass, len, p->salt, kdf_ops, kdf_mem, crypto_pwhash_ALG_ARGON2ID13);
	clock_gettime(CLOCK_MONOTONIC, &b);
	stats.kdf_calls++;
	stats.kdf_seconds += (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	return r == 0 ? SQLITE_OK : fail(SQLITE_NOMEM, "key derivation needs more memory than is available");
}

/* The main database: a new (empty) file gets a fresh salt; an existing one
 * must hold our header, and its page 1 must authenticate with the key. */
static int open_db(struct cfile *p)
{
	sqlite3_int64 size = 0;
	int rc = p->real->pMethods->xFileSize(p->real, &size);
	if (rc != SQLITE_OK)
		return rc;
	pthread_mutex_lock(&pass_lock);
	if (!pending) {
		pthread_mutex_unlock(&pass_lock);
		return fail(SQLITE_AUTH, "no passphrase given (use cryptvfs_open)");
	}
	if (size == 0) {
		randombytes_buf(p->salt, SALT);
		rc = derive(p, pending, pending_len);
		pthread_mutex_unlock(&pass_lock);
		return rc;
	}
	rc = p->real->pMethods->xRead(p->real, p->buf, P, 0);
	if (rc != SQLITE_OK) {
		pthread_mutex_unlock(&pass_lock);
		return rc == SQLITE_IOERR_SHORT_READ ? fail(SQLITE_NOTADB, "file too short for an encrypted database")
						     : rc;
	}
	if (!memcmp(p->buf, magic, 16)) {
		pthread_mutex_unlock(&pass_lock);
		return fail(SQLITE_NOTADB, "this database is not encrypted");
	}
	unsigned ps = (unsigned)p->buf[16] << 8 | p->buf[17];
	if (ps != P || p->buf[20] != CRYPTVFS_RESERVE) {
		pthread_mutex_unlock(&pass_lock);
		return fail(SQLITE_NOTADB, "not an encrypted weft database (page size %u, reserve %u)", ps,
			    p->buf[20]);
	}
	memcpy(p->salt, p->buf, SALT);
	rc = derive(p, pending, pending_len);
	pthread_mutex_unlock(&pass_lock);
	if (rc != SQLITE_OK)
		return rc;
	if (unseal(p->key, 'D', 1, p->buf, CLEAR_HDR) < 0)
		return fail(SQLITE_AUTH, "wrong passphrase (or a damaged first page)");
	p->on_disk = 1;
	return SQLITE_OK;
}

static int x_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct cfile *p = (struct cfile *)f;
	memset(p, 0, sizeof *p);
	p->real = (sqlite3_file *)&p[1];
	int rc = orig->xOpen(orig, name, p->real, flags, out_flags);
	if (rc != SQLITE_OK)
		return rc;
	p->base.pMethods = &io;
	p->buf = sqlite3_malloc(P);
	if (!p->buf)
		return SQLITE_NOMEM;
	if (flags & SQLITE_OPEN_MAIN_DB) {
		p->kind = K_DB;
		p->key = sodium_malloc(32);
		rc = p->key ? open_db(p) : SQLITE_NOMEM;
	} else if (flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) {
		p->kind = flags & SQLITE_OPEN_WAL ? K_WAL : K_JOURNAL;
		sqlite3_file *db = sqlite3_database_file_object(name);
		if (!db || db->pMethods != &io || ((struct cfile *)db)->kind != K_DB)
			rc = fail(SQLITE_CANTOPEN, "log file without its database");
		else
			p->db = (struct cfile *)db;
	} else if (flags & (SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_SUBJOURNAL |
			    SQLITE_OPEN_TRANSIENT_DB)) {
		p->kind = K_TEMP;
		p->key = sodium_malloc(32 + 24);
		if (p->key)
			randombytes_buf(p->key, 32 + 24);
		else
			rc = SQLITE_NOMEM;
		stats.temp_files++;
	} else {
		p->kind = K_PASS; /* super-journal: file names only */
	}
	if (rc != SQLITE_OK) {
		x_close(f);
		p->base.pMethods = NULL;
	}
	return rc;
}

/* Everything else is the wrapped VFS's. */
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

int cryptvfs_register(void)
{
	if (orig)
		return SQLITE_OK;
	if (sodium_init() < 0)
		return SQLITE_ERROR;
	orig = sqlite3_vfs_find(NULL);
	if (!orig)
		return SQLITE_ERROR;
	if (!kdf_ops) {
		kdf_ops = crypto_pwhash_OPSLIMIT_MODERATE;
		kdf_mem = crypto_pwhash_MEMLIMIT_MODERATE;
	}
	vfs = (sqlite3_vfs){
		2, (int)(sizeof(struct cfile) + (size_t)orig->szOsFile), orig->mxPathname, NULL, CRYPTVFS_NAME,
		NULL, x_open, v_delete, v_access, v_fullpath, v_dlopen, v_dlerror, v_dlsym, v_dlclose,
		v_random, v_sleep, v_time, v_lasterr, v_time64, NULL, NULL, NULL,
	};
	return sqlite3_vfs_register(&vfs, 0);
}

/* ---- convenience -------------------------------------------------------- */

static void set_pending(const char *pass, size_t len)
{
	pthread_mutex_lock(&pass_lock);
	if (pending)
		sodium_free(pending);
	pending = NULL;
	if (pass) {
		pending = sodium_malloc(len + 1);
		memcpy(pending, pass, len);
		pending_len = len;
	}
	pthread_mutex_unlock(&pass_lock);
}

int cryptvfs_open(const char *path, const char *pass, size_t passlen, int flags, sqlite3 **db)
{
	errbuf[0] = 0;
	set_pending(pass, passlen);
	int rc = sqlite3_open_v2(path, db, flags, CRYPTVFS_NAME);
	set_pending(NULL, 0);
	if (rc != SQLITE_OK) {
		if (!errbuf[0])
			snprintf(errbuf, sizeof errbuf, "%s", sqlite3_errmsg(*db));
		sqlite3_close(*db);
		*db = NULL;
		return rc;
	}
	/* Temporary data stays in memory: the VFS would encrypt temp files
	 * too, but in memory is faster and leaves nothing behind. */
	sqlite3_exec(*db, "PRAGMA temp_store=MEMORY", NULL, NULL, NULL);
	return SQLITE_OK;
}

int cryptvfs_create(const char *path, const char *pass, size_t passlen, sqlite3 **db)
{
	int rc = cryptvfs_open(path, pass, passlen, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, db);
	if (rc != SQLITE_OK)
		return rc;
	int reserve = CRYPTVFS_RESERVE;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA page_size=%d", P);
	/* The reserve and page size can only be set before page 1 exists;
	 * page 1 is then written through a rollback journal, so the salt is on
	 * disk before any WAL frame needs it. */
	if ((rc = sqlite3_exec(*db, sql, NULL, NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_file_control(*db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve)) != SQLITE_OK ||
	    (rc = sqlite3_exec(*db, "PRAGMA journal_mode=DELETE; PRAGMA user_version=1; PRAGMA user_version=0;"
				    "PRAGMA journal_mode=WAL", NULL, NULL, NULL)) != SQLITE_OK) {
		if (!errbuf[0])
			snprintf(errbuf, sizeof errbuf, "%s", sqlite3_errmsg(*db));
		sqlite3_close(*db);
		*db = NULL;
		return rc;
	}
	return SQLITE_OK;
}
