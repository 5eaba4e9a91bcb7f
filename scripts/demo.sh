#!/bin/sh
# make demo: ingest the bundled samples into demo.weft and show what weft sees.
set -e
cd "$(dirname "$0")/.."
W=build/weft
CASE=demo.weft
rm -f "$CASE" "$CASE-wal" "$CASE-shm"
echo "== weft ingest samples/ (the demo corpus: 25 files in 8 formats; its README.md is left out)"
# shellcheck disable=SC2046
$W ingest --case "$CASE" $(ls -d samples/* | grep -v '/README.md$')
echo
echo "== weft stats"
$W stats --case "$CASE"
echo
echo "== weft search '\"prime minister\" AND iran' --limit 3"
$W search --case "$CASE" --limit 3 '"prime minister" AND iran'
echo
if $W help 2>/dev/null | grep -q '^  entities'; then
	echo "== weft entities --limit 10"
	$W entities --case "$CASE" --limit 10 || true
	echo
fi
cat <<MSG
Next, try (the case file is $CASE; export WEFT_CASE=$CASE to skip --case):
  $W search --case $CASE 'soleimani OR suleimani'
  $W search --case $CASE 'from:okonkwo date:2019-11'
  $W show --case $CASE 03_jabr_airspace.txt
  $W entity --case $CASE Soleimani
  $W links --case $CASE Soleimani
  $W path --case $CASE "Bayan Jabr" "Hassan Danaeifar"
  $W communities --case $CASE
  $W entities --case $CASE --sort betweenness --type PER
  $W export --case $CASE --format gexf -o demo.gexf     (open it in Gephi)
  $W serve --case $CASE                                 (the same in a browser)
  $W failures --case $CASE
  $W help            every command; 'weft help search' for the query language
MSG
