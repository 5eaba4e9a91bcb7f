#!/usr/bin/perl
# bench/report.pl DATA-DIR OUT.md QUERIES — writes run.sh's measurements as Markdown
# tables into OUT.md, between the lines
#     <!-- bench:results:begin -->  and  <!-- bench:results:end -->
# (everything outside them is left as it is; a missing file is created).
#
# Medians over runs; search latency per query is the median of its timed
# passes, and p50/p90/p99 are nearest-rank percentiles over the queries.
# MiB = 2^20 bytes.  "per core" throughput = MiB per CPU-second (user+sys).
use strict;
use warnings;

my ($dir, $out, $queries) = @ARGV;
die "usage: report.pl DATA-DIR OUT.md QUERIES\n" unless $dir && $out && $queries;

sub slurp_tsv {
	my ($f) = @_;
	open(my $h, '<', $f) or return ();
	my @rows;
	while (<$h>) { chomp; push @rows, [split /\t/, $_, -1] }
	return @rows;
}
sub median {
	my @v = sort { $a <=> $b } @_;
	return undef unless @v;
	return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}
sub pct {
	my ($p, @v) = @_;
	@v = sort { $a <=> $b } @v;
	return undef unless @v;
	my $i = int($p / 100 * @v + 0.999999) - 1;
	$i = 0 if $i < 0;
	return $v[$i];
}
sub mib { sprintf '%.1f', $_[0] / 1048576 }
sub f1 { defined $_[0] ? sprintf('%.1f', $_[0]) : '–' }
sub f2 { defined $_[0] ? sprintf('%.2f', $_[0]) : '–' }
sub ms { defined $_[0] ? ($_[0] >= 100_000 ? sprintf('%.0f', $_[0] / 1000) : $_[0] >= 10_000 ? sprintf('%.1f', $_[0] / 1000) : sprintf('%.2f', $_[0] / 1000)) : '–' }
sub code { my $s = shift; $s =~ s/\|/\\|/g; "`$s`" }

my %meta = map { $_->[0] => $_->[1] } slurp_tsv("$dir/meta.tsv");
my @ingest = slurp_tsv("$dir/ingest.tsv");

# group ingest rows by label, in first-seen order
my (%runs, @labels);
for my $r (@ingest) {
	my ($label, $run, $wall, $user, $sys, $rss, $bytes, $docs, $size, $load, $cmd) = @$r;
	push @labels, $label unless $runs{$label};
	push @{ $runs{$label} }, { wall => $wall, cpu => $user + $sys, rss => $rss, bytes => $bytes,
		docs => $docs, size => $size, load => $load, cmd => $cmd };
}
sub summary {
	my ($label) = @_;
	my $rs = $runs{$label} or return undef;
	my %s = (label => $label, n => scalar @$rs, cmd => $rs->[0]{cmd}, bytes => $rs->[0]{bytes});
	for my $k (qw(wall cpu rss docs size)) { $s{$k} = median(map { $_->{$k} } @$rs) }
	$s{rssmax} = (sort { $b <=> $a } map { $_->{rss} } @$rs)[0];
	$s{walls} = join(' / ', map { sprintf '%.1f', $_->{wall} } @$rs);
	$s{loads} = join(' / ', map { $_->{load} } @$rs);
	$s{mibs} = $s{bytes} / 1048576 / $s{wall};
	$s{mibcpu} = $s{cpu} > 0 ? $s{bytes} / 1048576 / $s{cpu} : undef;
	$s{docss} = $s{docs} / $s{wall};
	return \%s;
}

my @md;
sub p { push @md, @_ ? @_ : '' }

my $ref_label = (grep { /^weft( --no-ner)?$/ } @labels)[0];
my $ref = $ref_label ? summary($ref_label) : undef;

p '<!-- bench:results:begin -->';
p '<!-- written by bench/run.sh (bench/report.pl); edit outside these markers -->';
p '';
p '## Conditions';
p '';
p '| | |';
p '| --- | --- |';
p "| date | $meta{date} |";
p "| machine | $meta{host} |";
p "| load average (1, 5, 15 min) | at start $meta{load_start}; at end $meta{load_end}; each run's 1-min load is in the tables |";
p "| weft | commit $meta{commit}" . ($meta{dirty} ? " plus $meta{dirty} uncommitted files in src/ (the shared work tree as built by `make`)" : '') . ' |';
p "| peers | " . join(', ', grep { defined } (
	$meta{recoll} ? "recoll $meta{recoll}" : undef, $meta{omindex} ? "omindex (xapian-omega) $meta{omindex}" : undef,
	"sqlite3 $meta{sqlite}", $meta{postgres} ? "PostgreSQL $meta{postgres}" : undef)) . ' |';
p sprintf '| corpus | %s: %d files, %s MiB (%s) |', $meta{corpus}, $meta{corpus_files}, mib($meta{corpus_bytes}),
	join(', ', map { my ($b, $n) = split ' ', $meta{$_}; (my $s = $_) =~ s/^sub://; "$s $n files / " . mib($b) . ' MiB' } sort grep { /^sub:/ } keys %meta);
p "| extracted text | " . mib($meta{text_bytes} // 0) . " MiB (what weft stored and indexed: titles, headers, bodies) |" if $meta{text_bytes};
p "| caches | warm: the corpus is read once (`cat > /dev/null`) before the first run; OS caches cannot be dropped here |";
p "| runs | weft and raw FTS5: $meta{runs} each (median); weft with NER: " . ($meta{ner_runs} // 1) . "; recollindex and omindex: $meta{peer_runs}; ×4/×16: 1; search: $meta{search_reps} timed passes per query (in-process: after one warm-up pass; processes: after it, no pass of their own) |";
p "| total bench time | $meta{seconds} s |";
p '';

# ---- ingest ----
p '## 1. Ingest, ×1 corpus';
p '';
p 'Throughput is corpus bytes (files as on disk) per second, for every tool the same bytes.';
p '"per core" is MiB per CPU-second (user+sys), which moves less than wall time when others use the CPU.';
p '"weft ÷ tool" is weft' . ($ref && $ref->{label} =~ /no-ner/ ? ' (--no-ner)' : '') . "'s throughput divided by the tool's: above 1, weft is faster.";
p '';
p '| tool | wall s (median; runs) | CPU s | peak RSS MiB | MiB/s | MiB/s per core | docs | docs/s | index MiB | weft ÷ tool, wall | weft ÷ tool, CPU | load (1 min) | command |';
p '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
for my $label (grep { !/^weft: / && !/^weft ×/ } @labels) {
	my $s = summary($label);
	my ($rw, $rc) = ('–', '–');
	if ($ref) {
		$rw = f2($ref->{mibs} / $s->{mibs});
		$rc = $s->{mibcpu} && $ref->{mibcpu} ? f2($ref->{mibcpu} / $s->{mibcpu}) : '–';
	}
	my $cpu = $label eq 'PostgreSQL load' ? 'client only' : f1($s->{cpu});
	my $rss = $label eq 'PostgreSQL load' ? '(server not counted)' : mib($s->{rss} * 1024);
	p sprintf '| %s | %s (%s) | %s | %s | %s | %s | %d | %.0f | %s | %s | %s | %s | %s |', $label, f1($s->{wall}), $s->{walls},
		$cpu, $rss, f1($s->{mibs}), $label eq 'PostgreSQL load' ? '–' : f1($s->{mibcpu}), $s->{docs}, $s->{docss},
		mib($s->{size}), $rw, $label eq 'PostgreSQL load' ? '–' : $rc, $s->{loads}, code($s->{cmd});
}
p '';
p 'Documents differ by tool: weft stores identical content once (76 duplicate BBC files) and skips nothing;';
p 'recollindex also counts the corpus READMEs; omindex skips file types it has no filter for (e.g. Markdown).';
p 'The raw FTS5 and PostgreSQL rows load text weft already extracted (no reading, no parsing), with the same bytes';
p 'as denominator: they show what the index alone costs.';
p "With NER: $meta{ner_mentions} mentions stored." if $meta{ner_mentions};
p 'weft has `--no-ner`, but no NER model was available for a with-NER run (models/ner.model or WEFT_MODEL).'
	if ($meta{has_no_ner} // 0) && !($meta{ner_ok} // 0);
p '';

my @fmt = grep { /^weft: / } @labels;
if (@fmt) {
	p '### weft per format (one folder = one format; 1 run each)';
	p '';
	p '| folder | format | files | MiB | wall s | CPU s | MiB/s | MiB/s per core | docs/s | peak RSS MiB | target ≥ 30 MiB/s per core | command |';
	p '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
	my %fmtname = (cablegate_html => 'HTML', enron_maildir => 'email (RFC 822)', bbc_news => 'text', gum_wikinews_entities => 'text (TSV/CoNLL)');
	for my $label (@fmt) {
		my $s = summary($label);
		(my $sub = $label) =~ s/^weft: //;
		my ($b, $n) = split ' ', ($meta{"sub:$sub"} // '0 0');
		p sprintf '| %s | %s | %d | %s | %s | %s | %s | %s | %.0f | %s | %s | %s |', $sub, $fmtname{$sub} // '?', $n, mib($b),
			f1($s->{wall}), f1($s->{cpu}), f1($s->{mibs}), f1($s->{mibcpu}), $s->{docss}, mib($s->{rss} * 1024),
			($s->{mibcpu} // 0) >= 30 ? 'met' : 'not met', code($s->{cmd});
	}
	p '';
}

# ---- scale ----
my @scale = grep { /^weft ×/ } @labels;
if ($ref && @scale) {
	p '## 2. Scale: the corpus ×1, ×4' . ((grep { /×16/ } @scale) ? ', ×16' : '');
	p '';
	p 'Copy k of every file has one line appended ("weft-bench copy k", an HTML comment in .html files), so every copy';
	p 'is new content to weft and nothing is skipped as a duplicate.';
	p '';
	p '| corpus | files | MiB | docs | wall s | CPU s | peak RSS MiB | MiB/s | docs/s | index MiB | load | command |';
	p '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
	p sprintf '| ×1 (median of %d) | %d | %s | %d | %s | %s | %s | %s | %.0f | %s | %s | %s |', $ref->{n}, $meta{corpus_files}, mib($ref->{bytes}),
		$ref->{docs}, f1($ref->{wall}), f1($ref->{cpu}), mib($ref->{rss} * 1024), f1($ref->{mibs}), $ref->{docss}, mib($ref->{size}),
		$ref->{loads}, code($ref->{cmd});
	for my $label (@scale) {
		my $s = summary($label);
		(my $n = $label) =~ s/^weft ×//;
		p sprintf '| ×%s | %d | %s | %d | %s | %s | %s | %s | %.0f | %s | %s | %s |', $n, $meta{"x${n}_files"}, mib($s->{bytes}), $s->{docs},
			f1($s->{wall}), f1($s->{cpu}), mib($s->{rss} * 1024), f1($s->{mibs}), $s->{docss}, mib($s->{size}), $s->{loads}, code($s->{cmd});
	}
	p '';
}

# ---- search ----
my @qtext;
my @qcat;
if (open(my $h, '<', $queries)) {
	my $cat = 'other';
	while (<$h>) {
		chomp;
		if (/^# -- (\S[^(]*?)\s*(\(\d+\))?$/) { $cat = $1; next }
		next if /^#/ || /^\s*$/;
		push @qtext, $_;
		push @qcat, $cat;
	}
}
my @engines = (
	['weft-inproc', 'weft, in-process (libweft `search_run`)'],
	['weft-cli', 'weft search, a process per query'],
	['recollq', 'recollq, a process per query'],
	['postgres', 'PostgreSQL 15, one connection'],
);
my %lat;    # engine -> [per-query median us]
my %hits;   # engine -> [total hits]
for my $e (@engines) {
	my @rows = slurp_tsv("$dir/search.$e->[0].tsv") or next;
	my %per;
	for my $r (@rows) { push @{ $per{$r->[0]} }, $r->[2]; $hits{$e->[0]}[$r->[0] - 1] = $r->[4] if $e->[0] eq 'weft-inproc' }
	$lat{$e->[0]} = [map { median(@{ $per{$_} }) } sort { $a <=> $b } keys %per];
}
for my $e ('recollq', 'postgres') {
	for my $r (slurp_tsv("$dir/hits.$e.tsv")) { $hits{$e}[$r->[0] - 1] = $r->[1] }
}
if (%lat) {
	p '## 3. Search latency, ×1 case';
	p '';
	p sprintf 'The %d queries of bench/queries.txt (translated for the peers by bench/queries.pl), top 20 hits with', $meta{queries} // 0;
	p 'snippets and the total count. Latency per query = median of its timed passes; percentiles over the queries.';
	p '';
	p '| engine | p50 ms | p90 ms | p99 ms | max ms | mean ms | queries with hits | median hits | command |';
	p '| --- | --- | --- | --- | --- | --- | --- | --- | --- |';
	for my $e (@engines) {
		my $l = $lat{$e->[0]} or next;
		my $sum = 0;
		$sum += $_ for @$l;
		my @h = grep { defined } @{ $hits{$e->[0]} // [] };
		p sprintf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |', $e->[1], ms(pct(50, @$l)), ms(pct(90, @$l)), ms(pct(99, @$l)),
			ms(pct(100, @$l)), ms($sum / @$l), @h ? scalar(grep { $_ > 0 } @h) . ' / ' . scalar(@h) : '–',
			@h ? median(@h) : '–', code($meta{"cmd:$e->[0]"} // '');
	}
	p '';
	if (@qcat && $lat{'weft-inproc'}) {
		p '### weft by kind of query (in-process; ms)';
		p '';
		p '| kind | queries | p50 | max | slowest query |';
		p '| --- | --- | --- | --- | --- |';
		my (%by, @order);
		for my $i (0 .. $#qcat) {
			push @order, $qcat[$i] unless $by{$qcat[$i]};
			push @{ $by{$qcat[$i]} }, $i;
		}
		for my $c (@order) {
			my @i = @{ $by{$c} };
			my @l = map { $lat{'weft-inproc'}[$_] } @i;
			my ($worst) = sort { $lat{'weft-inproc'}[$b] <=> $lat{'weft-inproc'}[$a] } @i;
			p sprintf '| %s | %d | %s | %s | %s |', $c, scalar @i, ms(pct(50, @l)), ms(pct(100, @l)), code($qtext[$worst]);
		}
		p '';
		my @slow = sort { $lat{'weft-inproc'}[$b] <=> $lat{'weft-inproc'}[$a] } 0 .. $#{ $lat{'weft-inproc'} };
		p 'Slowest 8 (in-process ms; weft / recollq / PostgreSQL total hits): ' . join('; ', map {
			sprintf '%s %s (%s / %s / %s)', code($qtext[$_] // "#$_"), ms($lat{'weft-inproc'}[$_]), $hits{'weft-inproc'}[$_] // '–',
				$hits{recollq}[$_] // '–', $hits{postgres}[$_] // '–'
		} @slow[0 .. 7]) . '.';
		p '';
	}
	p 'Hit counts differ where the engines differ: recoll gives emails their Date header but HTML and text files their';
	p 'modification time (so `date:` finds no cables), and its `dir:` matches folder names, not substrings. PostgreSQL\'s';
	p 'parser keeps e-mail addresses and host names whole (`enron` does not match `kenneth.lay@enron.com`), and its';
	p '`simple` configuration does not fold accents. Per-query numbers and translations are in bench/results/.';
	p '';
}

# ---- targets ----
p '## Targets';
p '';
p '| target | measured | met? |';
p '| --- | --- | --- |';
if ($ref) {
	my $ner = $runs{'weft (with NER)'} ? summary('weft (with NER)') : undef;
	my $cores = ($meta{host} =~ /^(\d+)/)[0];
	my @pc = map { summary($_)->{mibcpu} // 0 } @fmt;
	my $minpc = @pc ? (sort { $a <=> $b } @pc)[0] : $ref->{mibcpu};
	p sprintf '| extract + index ≥ 30 MiB/s per core on text/HTML/email (%s) | whole corpus %s MiB/s per core (%s MiB/s wall on %s cores); per format %s | %s |',
		$ref->{label}, f1($ref->{mibcpu}), f1($ref->{mibs}), $cores,
		@fmt ? join(', ', map { (my $x = $_) =~ s/^weft: //; "$x " . f1(summary($_)->{mibcpu}) } @fmt) : '–',
		$minpc >= 30 && $ref->{mibcpu} >= 30 ? 'met' : 'not met';
	p sprintf '| the same, weft with NER | %s MiB/s per core (%s MiB/s wall) | %s |', f1($ner->{mibcpu}), f1($ner->{mibs}),
		$ner->{mibcpu} >= 30 ? 'met' : 'not met' if $ner;
	if ($runs{recollindex}) {
		my $rc = summary('recollindex');
		for my $s (grep { defined } $ref, $ner) {
			my $rw = $s->{mibs} / $rc->{mibs};
			my $rcpu = $s->{mibcpu} / $rc->{mibcpu};
			p sprintf '| ≥ 3× recollindex throughput (%s) | %s× (wall), %s× (CPU) | %s |', $s->{label}, f2($rw), f2($rcpu),
				$rw >= 3 ? 'met' : 'not met';
		}
	}
	my @rss = ($ref->{rssmax}, map { summary($_)->{rssmax} } @scale);
	my $maxrss = (sort { $b <=> $a } @rss)[0] / 1024;
	p sprintf '| peak RSS < 300 MB whatever the corpus size (%s) | %s MiB (×1: %s%s) | %s |', $ref->{label}, f1($maxrss), mib($ref->{rssmax} * 1024),
		join('', map { my $s = summary($_); (my $n = $_) =~ s/^weft //; ", $n: " . mib($s->{rssmax} * 1024) } @scale),
		$maxrss * 1048576 < 300e6 ? 'met' . (@scale ? ' (up to ' . ($scale[-1] =~ s/^weft //r) . ')' : '') : 'not met';
	p sprintf '| the same, weft with NER | %s MiB at ×1 | %s |', mib($ner->{rssmax} * 1024),
		$ner->{rssmax} * 1024 < 300e6 ? 'met at ×1 (not run larger)' : 'not met' if $ner;
}
for my $e ('weft-inproc', 'weft-cli') {
	my $l = $lat{$e} or next;
	my ($p50, $p99) = (pct(50, @$l) / 1000, pct(99, @$l) / 1000);
	p sprintf '| search p50 < 5 ms, p99 < 50 ms (%s) | p50 %s ms, p99 %s ms | %s |', $e eq 'weft-inproc' ? 'in-process' : 'weft search process',
		ms($p50 * 1000), ms($p99 * 1000), $p50 < 5 && $p99 < 50 ? 'met' : $p50 < 5 ? 'p50 met, p99 not met' : $p99 < 50 ? 'p99 met, p50 not met' : 'not met';
}
p '';
p '<!-- bench:results:end -->';

my $block = join("\n", @md) . "\n";
my $text = '';
if (open(my $h, '<', $out)) { local $/; $text = <$h> }
if ($text =~ /<!-- bench:results:begin -->.*<!-- bench:results:end -->\n?/s) {
	$text =~ s/<!-- bench:results:begin -->.*<!-- bench:results:end -->\n?/$block/s;
} elsif ($text ne '') {
	$text .= "\n" . $block;
} else {
	$text = "# weft benchmarks\n\n`make bench` (bench/run.sh) measured everything below; see bench/README.md.\n\n" . $block;
}
open(my $o, '>', "$out.tmp") or die "$out.tmp: $!\n";
print $o $text;
close $o or die "$out.tmp: $!\n";
rename "$out.tmp", $out or die "$out: $!\n";
