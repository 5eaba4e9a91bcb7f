# bench/copies.sh — sourced by run.sh and graph.sh.
#
# make_copies N DEST CORPUS: N copies of CORPUS in DEST/copy1..N, a unique
# line appended to every file of copy k (an HTML comment after the document
# for .html, a last line of text for the rest — still valid email, text and
# CoNLL), so that every copy is new content to weft and none is skipped as
# a duplicate.
make_copies() {
	local n=$1 dest=$2 corpus=$3 k
	rm -rf "$dest"
	mkdir -p "$dest"
	for k in $(seq 1 "$n"); do cp -r "$corpus" "$dest/copy$k"; done
	find "$dest" -type f -print0 | perl -0 -ne '
		chomp; my ($k) = m{/copy(\d+)/};
		open(my $f, ">>", $_) or die "$_: $!\n";
		print $f (/\.html?$/i ? "\n<!-- weft-bench copy $k -->\n" : "\nweft-bench copy $k\n");
		close $f or die "$_: $!\n";'
}
