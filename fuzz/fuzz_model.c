/*
 * fuzz_model.c — libFuzzer target for the model loader (ner_load): any
 * bytes, written to a temporary file, must load as a model or give NULL
 * with a reason; never crash, never read outside the file.
 *
 * A model file carries an XXH64 checksum of its payload, so almost every
 * mutation stops at "checksum mismatch".  To reach the structural checks
 * behind it (section sizes, table contents), each input is also loaded a
 * second time with the checksum recomputed, and a third time with the
 * payload size field set to the real size as well.  The header layout this
 * needs is ner.c's struct file_hdr: payload_size at byte 72, checksum at 80,
 * payload from 88.
 *
 * A file that loads is then used: ner_tag_text() on a fixed text must work
 * (a checksum-valid file with mangled weights is still a model), and the
 * mentions must lie inside the text.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "ner.h"

#define FAIL(...) (fprintf(stderr, "fuzz_model: " __VA_ARGS__), fputc('\n', stderr), abort())

enum { OFF_PAYLOAD_SIZE = 72, OFF_CHECKSUM = 80, HDR_SIZE = 88 };

static char path[96];

static const char sample[] =
	"SUBJECT: MEETING WITH PRIME MINISTER AL-MALIKI\n\n"
	"1. (C) On 18 November 2019 Qassem Soleimani met Adel Abdul Mahdi in Baghdad, "
	"said the U.S. Embassy (mail: press@example.org, +964 790 123 4567). "
	"Reuters and the Islamic Revolutionary Guard Corps declined to comment.\n";

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(path, sizeof path, "%s/fuzz_model.XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0)
		FAIL("mkstemp %s failed", path);
	close(fd);
	atexit(cleanup);
	return 0;
}

static void write_file(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		FAIL("cannot open %s", path);
	size_t off = 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0)
			FAIL("cannot write %s", path);
		off += (size_t)w;
	}
	close(fd);
}

static void try_load(const uint8_t *data, size_t size)
{
	write_file(data, size);
	struct err e = {""};
	struct ner_model *m = ner_load(path, &e);
	if (!m) {
		if (!e.msg[0])
			FAIL("ner_load returned NULL without a reason");
		return;
	}
	struct ner_result r = NER_RESULT_INIT;
	if (ner_tag_text(m, sample, sizeof sample - 1, &r, &e) < 0)
		FAIL("a model that loaded cannot tag: %s", e.msg);
	for (size_t i = 0; i < r.nmentions; i++)
		if (r.mentions[i].start >= r.mentions[i].end || r.mentions[i].end > sizeof sample - 1 ||
		    r.mentions[i].type_id < 0 || r.mentions[i].type_id >= NER_NTYPES)
			FAIL("mention %zu [%zu,%zu) type %d is impossible", i, r.mentions[i].start,
			     r.mentions[i].end, r.mentions[i].type_id);
	ner_result_free(&r);
	ner_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	try_load(data, size);
	if (size < HDR_SIZE)
		return 0;
	uint8_t *fixed = malloc(size);
	memcpy(fixed, data, size);
	uint64_t sum = XXH64(fixed + HDR_SIZE, size - HDR_SIZE, 0);
	memcpy(fixed + OFF_CHECKSUM, &sum, 8);
	if (memcmp(fixed + OFF_CHECKSUM, data + OFF_CHECKSUM, 8))
		try_load(fixed, size);
	uint64_t psize = size - HDR_SIZE;
	if (memcmp(fixed + OFF_PAYLOAD_SIZE, &psize, 8)) {
		memcpy(fixed + OFF_PAYLOAD_SIZE, &psize, 8);
		try_load(fixed, size);
	}
	free(fixed);
	return 0;
}
