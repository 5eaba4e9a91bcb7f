#!/usr/bin/perl
# bench/queries.pl — turns weft queries (bench/queries.txt) into their
# equivalents for the peers, one line in, one line out:
#
#   perl queries.pl recoll < queries   recollq query language
#   perl queries.pl pg     < queries   to_tsquery('simple', …) text TAB SQL filter
#
# It knows the subset of weft's language that queries.txt uses (see its
# header) and dies on anything else, so a new query cannot be compared
# unfairly by accident.
#
# Mapping:
#   weft              recoll                      PostgreSQL (tsvector weights)
#   word, prefix*     word, prefix*               'word', 'prefix':*
#   "a b"             "a b"                       ('a' <-> 'b')
#   a OR b, ( )       a OR b (recoll's OR binds   a | b, ( )
#                     tighter than AND: same
#                     meaning for this subset)
#   NOT x, -x         -x                          !x
#   from: to:         from: to:                   :B (sender), :C (recipients, cc)
#   subject: title:   subject: title:             :A (title and subject)
#   date:2001-05..06  date:2001-05-01/2001-06-30  AND d.date >= … AND d.date < …~
#   type:email        mime:message/rfc822         AND d.type = 'email'
#   path:x            dir:x                       AND strpos(d.path, 'x') > 0
use strict;
use warnings;

my $mode = shift // '';
die "usage: queries.pl recoll|pg < queries\n" unless $mode eq 'recoll' || $mode eq 'pg';

my %weight = (from => 'B', to => 'C', subject => 'A', title => 'A', body => 'D');
my %mime = (email => 'message/rfc822', html => 'text/html', text => 'text/plain');
my @mdays = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31);

# Splits a query into tokens: ( ) OR AND NOT -, field:, "phrase", word.
sub tokens {
	my ($q) = @_;
	my @t;
	while (length $q) {
		if ($q =~ s/^\s+//) { next }
		if ($q =~ s/^([()])//) { push @t, [$1]; next }
		if ($q =~ s/^-(?=\S)//) { push @t, ['NOT']; next }
		if ($q =~ s/^(OR|AND|NOT)(?=[\s(]|$)//) { push @t, [$1]; next }
		if ($q =~ s/^NEAR\S*//) { die "NEAR is not translated: $_[0]\n" }
		my $field = '';
		$field = lc $1 if $q =~ s/^([A-Za-z]+)://;
		if ($q =~ s/^"([^"]*)"(\*?)//) { push @t, ['PHRASE', $1, $field, $2]; next }
		if ($q =~ s/^([^\s()"]+)//) {
			my $w = $1;
			my $pre = $w =~ s/\*$// ? '*' : '';
			push @t, ['WORD', $w, $field, $pre];
			next;
		}
		die "cannot read query: $_[0]\n";
	}
	return @t;
}

# A date filter's bounds as full dates: (first day, last day).
sub date_bounds {
	my ($v) = @_;
	my ($lo, $hi) = $v =~ /\.\./ ? split(/\.\./, $v, 2) : ($v, $v);
	my $first = sub { my $d = shift; $d .= '-01' while length $d < 10; $d };
	my $last = sub {
		my $d = shift;
		return "$d-12-31" if length $d == 4;
		if (length $d == 7) { my ($y, $m) = split /-/, $d; return sprintf '%s-%02d', $d, $mdays[$m] }
		return $d;
	};
	return ($lo eq '' ? '0001-01-01' : $first->($lo), $hi eq '' ? '9999-12-31' : $last->($hi));
}

sub pg_lexemes {
	my ($text, $field, $pre) = @_;
	my $w = $field ? $weight{$field} // die "unknown field $field\n" : '';
	my @lex = map { my $x = lc $_; $x =~ s/'/''/g; "'$x'" . ($pre || $w ? ':' : '') . $pre . $w } split ' ', $text;
	return $lex[0] if @lex == 1;
	return '(' . join(' <-> ', @lex) . ')';
}

while (my $q = <STDIN>) {
	chomp $q;
	my @t = tokens($q);
	my (@out, @where);
	my $prev_operand = 0;    # the last thing emitted ends an operand
	for my $tok (@t) {
		my $k = $tok->[0];
		if ($k eq 'WORD' && $tok->[2] =~ /^(type|path|date)$/) {
			my ($f, $v) = ($tok->[2], $tok->[1]);
			if ($mode eq 'recoll') {
				if ($f eq 'type') { push @out, 'mime:' . ($mime{$v} // die "type $v?\n") }
				elsif ($f eq 'path') { push @out, "dir:$v" }
				else { my ($a, $b) = date_bounds($v); push @out, "date:$a/$b" }
			} else {
				(my $sv = $v) =~ s/'/''/g;
				if ($f eq 'type') { push @where, " AND d.type = '$sv'" }
				elsif ($f eq 'path') { push @where, " AND strpos(d.path, '$sv') > 0" }
				else {
					my ($lo, $hi) = $v =~ /\.\./ ? split(/\.\./, $v, 2) : ($v, $v);
					push @where, " AND d.date IS NOT NULL";
					push @where, " AND d.date >= '$lo'" if $lo ne '';
					push @where, " AND d.date < '$hi~'" if $hi ne '';
				}
			}
			next;
		}
		if ($mode eq 'recoll') {
			if ($k eq '(' || $k eq ')' || $k eq 'AND') { next }
			if ($k eq 'OR') { push @out, 'OR'; next }
			if ($k eq 'NOT') { push @out, '-'; next }
			my $f = $tok->[2] && $tok->[2] ne 'body' ? "$tok->[2]:" : '';
			my $v = $k eq 'PHRASE' ? "\"$tok->[1]\"" : $tok->[1] . $tok->[3];
			if (@out && $out[-1] eq '-') { $out[-1] = "-$f$v" } else { push @out, "$f$v" }
			next;
		}
		# PostgreSQL: explicit & between operands
		if ($k eq 'OR') { push @out, '|'; $prev_operand = 0; next }
		if ($k eq 'AND') { next }
		if ($k eq ')') { push @out, ')'; $prev_operand = 1; next }
		push @out, '&' if $prev_operand;
		if ($k eq '(') { push @out, '('; $prev_operand = 0; next }
		if ($k eq 'NOT') { push @out, '!'; $prev_operand = 0; next }
		push @out, pg_lexemes($tok->[1], $tok->[2], $tok->[3]);
		$prev_operand = 1;
	}
	if ($mode eq 'recoll') {
		print join(' ', @out), "\n";
	} else {
		my $s = join(' ', @out);
		$s =~ s/([(!]) /$1/g;
		$s =~ s/ \)/)/g;
		print $s, "\t", join('', @where), "\n";
	}
}
