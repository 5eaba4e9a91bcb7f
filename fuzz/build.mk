# fuzz/build.mk — the libFuzzer build, driven by fuzz/run.sh (make -f fuzz/build.mk).
#
# The library (src/lib/*.c, src/lib/extract/*.c) is compiled once with
# -fsanitize=fuzzer-no-link,address,undefined into build-fuzz/obj and archived
# as build-fuzz/libweft-fuzz.a; each fuzz/fuzz_NAME.c is linked against it
# with -fsanitize=fuzzer into build-fuzz/bin/fuzz_NAME.  Dependencies are
# tracked (-MMD), so a second run rebuilds only what changed.
#
# PKGS comes from the main Makefile (run.sh passes it), so the fuzz build
# links exactly what weft links.

FUZZ_CC ?= clang
BUILD := build-fuzz
PKGS ?= sqlite3 icu-uc icu-i18n libxml-2.0 gmime-3.0 poppler-glib libarchive uchardet \
	libcjson libxxhash glib-2.0 libutf8proc libmagic igraph
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))

SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
COMMON := -std=gnu11 -O1 -g $(SAN) $(PKG_CFLAGS) -Isrc/lib -D_GNU_SOURCE -MMD -MP
# The library is other people's code in flux: its warnings are shown, not
# fatal here (the main build already makes them errors).  Our targets are
# held to -Werror.
LIB_CFLAGS := $(COMMON) -fsanitize=fuzzer-no-link -Wall -Wextra -Wno-unused-parameter
TGT_CFLAGS := $(COMMON) -fsanitize=fuzzer -Wall -Wextra -Werror -Wno-unused-parameter \
	-DFUZZ_ROOT='"$(CURDIR)"'

LIB_SRC := $(wildcard src/lib/*.c src/lib/extract/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
TARGETS ?= $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
BINS := $(TARGETS:%=$(BUILD)/bin/%)

.PHONY: all
all: $(BINS) $(BUILD)/bin/seed_model

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(FUZZ_CC) $(LIB_CFLAGS) -c $< -o $@

$(BUILD)/libweft-fuzz.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/bin/%: fuzz/%.c $(BUILD)/libweft-fuzz.a
	@mkdir -p $(dir $@) $(BUILD)/obj/fuzz
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) $(TGT_CFLAGS) -MF $(BUILD)/obj/fuzz/$*.d -MT $@ -o $@ $< \
		$(BUILD)/libweft-fuzz.a $(PKG_LIBS) -lpthread -lm

# Not a fuzz target: the trainer of the seed model (see seed_model.c).
$(BUILD)/bin/seed_model: fuzz/seed_model.c $(BUILD)/libweft-fuzz.a
	@mkdir -p $(dir $@) $(BUILD)/obj/fuzz
	@echo "  LINK    $@"
	@$(FUZZ_CC) $(COMMON) -fsanitize=fuzzer-no-link -Wall -Wextra -Werror -MF $(BUILD)/obj/fuzz/seed_model.d \
		-MT $@ -o $@ $< $(BUILD)/libweft-fuzz.a $(PKG_LIBS) -lpthread -lm

-include $(BUILD)/obj/fuzz/seed_model.d $(LIB_OBJ:.o=.d) $(TARGETS:%=$(BUILD)/obj/fuzz/%.d)
