#!/usr/bin/env python3
"""gen-hostile.py KIND OUT: writes one hostile input file for
tests/e2e/hostile_inputs.sh (generated, never stored as a blob).

KIND is one of:
  pdf-encrypted   a PDF whose text ("encrypted words, lobster") is RC4-encrypted
                  under the standard security handler with the user password
                  "hunter2": nothing can be read without it
  pdf-xref        a text PDF ("broken xref, marmalade") whose xref table points
                  at wrong offsets and whose startxref is past the end
  pdf-cut         the same text PDF cut off in the middle of its content stream
  tar-links       a tar with symlink members (to /etc/passwd, to ../../../etc/
                  shadow, to a sibling), a hard link, a FIFO and a device
                  member, beside a regular member ("a plain member, nectarine")
  zip-names       a zip whose member names are not UTF-8, hold a newline, a
                  backslash climb, or 3,000 bytes; each member's text names it
  nested-bomb     a zip of an ordinary member ("on top, quince") and 10 zips
                  of 10 deflated members of 8 MB of 'A' each (800 MB in all,
                  from 40 KB)
  utf8-classes    text with every class of invalid UTF-8, one per line, each
                  line with its own marker word (see UTF8_LINES)
"""
import hashlib
import io
import struct
import sys
import tarfile
import zipfile
import zlib

PAD = bytes.fromhex('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A')


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 255
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) & 255
        j = (j + s[i]) & 255
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) & 255])
    return bytes(out)


def pdf(text, encrypt=None):
    """A one-page PDF showing text; encrypt=(user, owner) applies the
    standard security handler, revision 2 (40-bit RC4).  Returns the bytes
    and the offset of each object."""
    content = b'BT /F1 18 Tf 72 720 Td (' + text.encode() + b') Tj ET'
    fid = hashlib.md5(text.encode()).digest()
    key = None
    extra = b''
    if encrypt:
        user = (encrypt[0].encode()[:32] + PAD)[:32]
        owner = (encrypt[1].encode()[:32] + PAD)[:32]
        o = rc4(hashlib.md5(owner).digest()[:5], user)
        perms = -44
        key = hashlib.md5(user + o + struct.pack('<i', perms) + fid).digest()[:5]
        u = rc4(key, PAD)
        extra = b'6 0 obj << /Filter /Standard /V 1 /R 2 /O <' + o.hex().encode() + b'> /U <' + \
            u.hex().encode() + b'> /P ' + str(perms).encode() + b' >> endobj\n'

    def stream_bytes(num, data):
        if key is None:
            return data
        return rc4(hashlib.md5(key + struct.pack('<I', num)[:3] + b'\0\0').digest()[:10], data)

    body = stream_bytes(4, content)
    objs = [
        b'1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n',
        b'2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n',
        b'3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R'
        b' /Resources << /Font << /F1 5 0 R >> >> >> endobj\n',
        b'4 0 obj << /Length ' + str(len(body)).encode() + b' >> stream\n' + body + b'\nendstream endobj\n',
        b'5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n',
    ]
    if extra:
        objs.append(extra)
    out = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')
    offsets = []
    for ob in objs:
        offsets.append(len(out))
        out += ob
    xref = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
    for off in offsets:
        out += b'%010d 00000 n \n' % off
    trailer = b'<< /Size %d /Root 1 0 R /ID [<%s> <%s>]' % (len(objs) + 1, fid.hex().encode(), fid.hex().encode())
    if extra:
        trailer += b' /Encrypt 6 0 R'
    out += b'trailer ' + trailer + b' >>\nstartxref\n%d\n%%%%EOF\n' % xref
    return bytes(out), offsets


def pdf_xref():
    data, offsets = pdf('broken xref, marmalade')
    data = bytearray(data)
    # every offset in the table off by 7, and startxref past the end
    start = data.index(b'xref\n')
    for off in offsets:
        want = b'%010d 00000 n' % off
        i = data.index(want, start)
        data[i:i + 10] = b'%010d' % (off + 7)
    i = data.rindex(b'startxref\n') + len(b'startxref\n')
    j = data.index(b'\n', i)
    data[i:j] = str(len(data) + 5000).encode()
    return bytes(data)


def tar_links():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as t:
        body = b'a plain member, nectarine\n'
        ti = tarfile.TarInfo('docs/plain.txt')
        ti.size = len(body)
        t.addfile(ti, io.BytesIO(body))
        for name, target, kind in [('docs/passwd', '/etc/passwd', tarfile.SYMTYPE),
                                   ('docs/shadow', '../../../etc/shadow', tarfile.SYMTYPE),
                                   ('docs/sibling', 'plain.txt', tarfile.SYMTYPE),
                                   ('docs/hard', 'docs/plain.txt', tarfile.LNKTYPE)]:
            ti = tarfile.TarInfo(name)
            ti.type = kind
            ti.linkname = target
            t.addfile(ti)
        for name, kind in [('docs/fifo', tarfile.FIFOTYPE), ('docs/null', tarfile.CHRTYPE)]:
            ti = tarfile.TarInfo(name)
            ti.type = kind
            ti.devmajor, ti.devminor = 1, 3
            t.addfile(ti)
    return buf.getvalue()


def zip_names():
    buf = io.BytesIO()
    names = [(b'bad\xff\xfename.txt', 'a member named in no encoding, apricot'),
             (b'new\nline.txt', 'a member with a newline in its name, blueberry'),
             (b'..\\..\\..\\windows\\climb.txt', 'a backslash climb, cranberry'),
             (b'long' + b'x' * 3000 + b'.txt', 'a member with a very long name, damson')]
    with zipfile.ZipFile(buf, 'w') as z:
        for raw, text in names:
            zi = zipfile.ZipInfo(raw.decode('latin-1'))
            zi.flag_bits &= ~0x800  # not flagged UTF-8: the bytes go as they are
            z.writestr(zi, text + '\n')
    data = buf.getvalue()
    # zipfile encodes non-UTF-8 names as cp437; put the raw bytes back
    for raw, _ in names:
        enc = raw.decode('latin-1').encode('cp437', errors='replace')
        if enc != raw and len(enc) == len(raw):
            data = data.replace(enc, raw)
    return data


def nested_bomb():
    leaf = b'A' * (8 << 20)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as outer:
        outer.writestr('top.txt', 'an ordinary member on top, quince\n')
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, 'w', zipfile.ZIP_DEFLATED) as z:
            for k in range(10):
                z.writestr('leaf%d.txt' % k, leaf)
        for i in range(10):
            outer.writestr('inner%d.zip' % i, inner.getvalue())
    return buf.getvalue()


# every class of invalid UTF-8, with the marker word of its line
UTF8_LINES = [
    (b'\x80\xbf', 'lone continuation bytes', 'alder'),
    (b'\xc3', 'a 2-byte sequence cut short', 'birch'),
    (b'\xe2\x82', 'a 3-byte sequence cut short', 'cedar'),
    (b'\xf0\x9f\x98', 'a 4-byte sequence cut short', 'dogwood'),
    (b'\xc0\xaf \xc1\xbf', 'overlong 2-byte forms of / and DEL', 'elm'),
    (b'\xe0\x80\xaf', 'an overlong 3-byte /', 'fir'),
    (b'\xf0\x80\x80\xaf', 'an overlong 4-byte /', 'ginkgo'),
    (b'\xc0\x80', 'an overlong NUL', 'hazel'),
    (b'\xed\xa0\x80 \xed\xbf\xbf', 'UTF-16 surrogates', 'ivy'),
    (b'\xf4\x90\x80\x80', 'past U+10FFFF', 'juniper'),
    (b'\xf5\xf8\xfc\xfe\xff', 'bytes that never start a sequence', 'larch'),
    (b'\xf8\x88\x80\x80\x80', 'an old 5-byte form', 'maple'),
    (b'\xfc\x84\x80\x80\x80\x80', 'an old 6-byte form', 'nutmeg'),
    (b'\xef\xbf\xbe \xef\xbf\xbf', 'the noncharacters U+FFFE and U+FFFF (valid UTF-8)', 'olive'),
]


def utf8_classes():
    out = bytearray('Une note en français, à Düsseldorf: ça marche, señor Muñoz.\n'.encode())
    for bad, what, word in UTF8_LINES:
        out += b'%s: ..%spasswd then %s\n' % (what.encode(), bad, word.encode())
    out += 'Encore une ligne élégante où Zoë répète, pomelo.\n'.encode()
    out += b'cut at the very end, quince \xe2\x82'
    return bytes(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kind, out = sys.argv[1], sys.argv[2]
    make = {
        'pdf-encrypted': lambda: pdf('encrypted words, lobster', ('hunter2', 'owner-secret'))[0],
        'pdf-xref': pdf_xref,
        'pdf-cut': lambda: (lambda d: d[:d.index(b'stream\n') + 20])(pdf('cut off, nectar')[0]),
        'tar-links': tar_links,
        'zip-names': zip_names,
        'nested-bomb': nested_bomb,
        'utf8-classes': utf8_classes,
    }
    if kind not in make:
        sys.exit('unknown kind %s\n%s' % (kind, __doc__))
    with open(out, 'wb') as f:
        f.write(make[kind]())


if __name__ == '__main__':
    main()
