# weft — build with make + pkg-config.
#   make            build/weft (optimised, warnings are errors)
#   make test       install deps, sanitizer build, every test, lint; ends with a pass/fail count
#   make demo       install deps, build, ingest samples/ into demo.weft, show the result
#   make bench      benchmarks (bench/), results in bench/BENCHMARKS.md
#   make fuzz       libFuzzer targets (fuzz/), FUZZ_SECONDS each
#   make install PREFIX=/usr/local

PREFIX ?= /usr/local
CC ?= cc
PKGS := sqlite3 icu-uc icu-i18n libxml-2.0 gmime-3.0 poppler-glib libarchive uchardet \
	libcjson libxxhash glib-2.0 libutf8proc libmagic igraph libmicrohttpd libsodium
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# poppler-glib is not linked: extract/pdf.c loads it when a PDF is read
PKG_LIBS := $(shell pkg-config --libs $(filter-out poppler-glib,$(PKGS)) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Isrc/lib -D_GNU_SOURCE -MMD -MP
LDLIBS = $(PKG_LIBS) -lpthread -lm

BUILD ?= build
LIB_SRC := $(wildcard src/lib/*.c src/lib/extract/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all test demo bench fuzz install deps lint clean units

all: $(BUILD)/weft

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libweft.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/weft: $(CLI_OBJ) $(BUILD)/web_assets.o $(BUILD)/libweft.a
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The browser UI (web/ and, after `npm ci`, cytoscape) compiled into weft.
$(BUILD)/web_assets.c: scripts/build-web.sh $(shell find web -type f 2>/dev/null) $(wildcard node_modules/cytoscape/dist/cytoscape.min.js)
	@mkdir -p $(dir $@)
	@echo "  WEB     $@"
	@sh scripts/build-web.sh $@

$(BUILD)/web_assets.o: $(BUILD)/web_assets.c
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libweft.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libweft.a $(LDLIBS) $(shell pkg-config --libs cmocka)

units: $(UNIT_BIN)

deps:
	@scripts/install-deps.sh

# The test build lives in build-san/ so it never mixes with the release build.
test: deps
	@$(MAKE) --no-print-directory BUILD=build-san CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" build-san/weft units
	@tests/run.sh build-san

lint:
	@cppcheck --quiet --error-exitcode=1 --enable=warning --inline-suppr \
		--suppress=missingIncludeSystem -Isrc/lib src/lib src/cli
	@echo "lint: cppcheck clean"

demo: deps all
	@scripts/demo.sh

bench: all
	@bench/run.sh

FUZZ_SECONDS ?= 60
fuzz:
	@fuzz/run.sh $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/weft
	install -m 755 $(BUILD)/weft $(DESTDIR)$(PREFIX)/bin/weft
	if [ -d models ]; then cp -r models $(DESTDIR)$(PREFIX)/share/weft/; fi

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
