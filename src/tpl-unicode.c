/*
 * Unicode character properties and case mapping for the engine, without
 * the Unicode database: Python's str.isspace(), isalpha(), isdigit() and
 * isprintable() and its case mapping, for the scripts templates use.
 * Case mapping covers ASCII, Latin-1, Latin Extended-A, Greek and
 * Cyrillic (with Python's full mappings for ß, İ and ŉ); other characters
 * keep their case.  Pure functions of code points: no evaluator, no
 * allocation beyond the strbuf they append to.
 */
#include "tpl-int.h"

#include "strbuf.h"

/* ---- case mapping -------------------------------------------------------- */

/* Lower case of a Latin Extended-A letter (U+0100..U+017F). */
static uint32_t latin_a_lower(uint32_t c)
{
	if ((c <= 0x12F || (c >= 0x132 && c <= 0x137) ||
	     (c >= 0x14A && c <= 0x177)) && !(c & 1))
		return c + 1;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) &&
	    (c & 1))
		return c + 1;
	return c == 0x178 ? 0xFF : c;
}

static uint32_t latin_a_upper(uint32_t c)
{
	if ((c <= 0x12F || (c >= 0x132 && c <= 0x137) ||
	     (c >= 0x14A && c <= 0x177)) && (c & 1))
		return c - 1;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) &&
	    !(c & 1))
		return c - 1;
	return c == 0x131 ? 'I' : c == 0x17F ? 'S' : c;
}

/* True when c is in a Cyrillic block of even-upper/odd-lower pairs. */
static bool cyrillic_pair(uint32_t c)
{
	return (c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) ||
	       (c >= 0x4D0 && c <= 0x52F);
}

uint32_t uc_lower(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;
	if (c >= 0x100 && c <= 0x17F)
		return latin_a_lower(c);
	if ((c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
	    (c >= 0x410 && c <= 0x42F))
		return c + 32;
	if (c == 0x386)
		return 0x3AC;
	if (c >= 0x388 && c <= 0x38A)
		return c + 37;
	if (c == 0x38C)
		return 0x3CC;
	if (c == 0x38E || c == 0x38F)
		return c + 63;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	if (cyrillic_pair(c))
		return c | 1;
	if (c >= 0x4C1 && c <= 0x4CE && (c & 1))
		return c + 1;
	return c == 0x4C0 ? 0x4CF : c;
}

uint32_t uc_upper(uint32_t c)
{
	if (c < 0x80)
		return c >= 'a' && c <= 'z' ? c - 32 : c;
	if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
		return c - 32;
	if (c == 0xFF)
		return 0x178;
	if (c == 0xB5)
		return 0x39C;
	if (c >= 0x100 && c <= 0x17F)
		return latin_a_upper(c);
	if ((c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) ||
	    (c >= 0x430 && c <= 0x44F))
		return c - 32;
	if (c == 0x3C2)
		return 0x3A3;
	if (c == 0x3AC)
		return 0x386;
	if (c >= 0x3AD && c <= 0x3AF)
		return c - 37;
	if (c == 0x3CC)
		return 0x38C;
	if (c == 0x3CD || c == 0x3CE)
		return c - 63;
	if (c >= 0x450 && c <= 0x45F)
		return c - 80;
	if (cyrillic_pair(c))
		return c & ~1u;
	if (c >= 0x4C2 && c <= 0x4CE && !(c & 1))
		return c - 1;
	return c == 0x4CF ? 0x4C0 : c;
}

/* Python's "cased" characters: letters that have a case. */
bool uc_cased(uint32_t c)
{
	return uc_lower(c) != c || uc_upper(c) != c || c == 0xDF ||
	       c == 0x138 || c == 0x149;
}

/* ---- character classes --------------------------------------------------- */

bool uc_isspace(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
	return cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

size_t uc_space(const char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (!n)
		return 0;
	if ((unsigned char)s[0] < 0x80)
		return uc_isspace((unsigned char)s[0]) ? 1 : 0;
	len = utf8_next(s, n, &cp);
	return len > 1 && uc_isspace(cp) ? len : 0;
}

/*
 * Python's str.isprintable() without the Unicode database: controls,
 * format characters, separators other than ' ', surrogates and private
 * use are not printable.  Unassigned code points count as printable.
 */
bool uc_isprintable(uint32_t cp)
{
	static const uint32_t ranges[][2] = {
		{ 0x0000, 0x001F }, { 0x007F, 0x00A0 }, { 0x00AD, 0x00AD },
		{ 0x0600, 0x0605 }, { 0x061C, 0x061C }, { 0x06DD, 0x06DD },
		{ 0x070F, 0x070F }, { 0x08E2, 0x08E2 }, { 0x1680, 0x1680 },
		{ 0x180E, 0x180E }, { 0x2000, 0x200F }, { 0x2028, 0x202F },
		{ 0x205F, 0x2064 }, { 0x2066, 0x206F }, { 0x3000, 0x3000 },
		{ 0xD800, 0xF8FF }, { 0xFEFF, 0xFEFF }, { 0xFFF9, 0xFFFB },
		{ 0xFFFE, 0xFFFF }, { 0x110BD, 0x110BD }, { 0x110CD, 0x110CD },
		{ 0x13430, 0x1343F }, { 0x1BCA0, 0x1BCA3 },
		{ 0x1D173, 0x1D17A }, { 0xE0001, 0xE0001 },
		{ 0xE0020, 0xE007F }, { 0xF0000, 0x10FFFF },
	};
	size_t i;

	if (cp >= 0x20 && cp < 0x7F)
		return true;
	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (cp < ranges[i][0])
			return true;
		if (cp <= ranges[i][1])
			return false;
	}
	return true;
}

bool uc_isalpha(uint32_t c)
{
	if (c < 0x80)
		return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	return uc_cased(c) || c == 0xAA || c == 0xBA ||
	       (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) ||
	       (c >= 0x370 && c <= 0x3FF && c != 0x37E && c != 0x387) ||
	       (c >= 0x400 && c <= 0x52F && (c < 0x482 || c > 0x489)) ||
	       (c >= 0x5D0 && c <= 0x5EA) || (c >= 0x620 && c <= 0x64A) ||
	       (c >= 0x3041 && c <= 0x30FF && c != 0x30FB) ||
	       (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7A3);
}

bool uc_isdigit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

bool uc_isalnum(uint32_t c)
{
	return uc_isalpha(c) || uc_isdigit(c);
}

/* Python's \w: letters, digits and underscore. */
bool uc_isword(uint32_t c)
{
	return uc_isalpha(c) || uc_isdigit(c) || c == '_' || c == 0xB2 ||
	       c == 0xB3 || c == 0xB9 || (c >= 0xBC && c <= 0xBE) ||
	       (c >= 0x300 && c <= 0x36F);
}

/* The value of digit c in bases up to 36, or 99. */
int uc_digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'z' ? c - 'a' + 10 : 99;
}

/* ---- appending code points ----------------------------------------------- */

void uc_add_cp(struct strbuf *sb, uint32_t c)
{
	char buf[4];

	strbuf_add(sb, buf, utf8_put(buf, c));
}

/* Append the full upper case of c (title case when title is set). */
void uc_add_upper(struct strbuf *sb, uint32_t c, bool title)
{
	if (c == 0xDF)
		strbuf_adds(sb, title ? "Ss" : "SS");
	else if (c == 0x149)
		strbuf_adds(sb, "\xCA\xBCN");
	else
		uc_add_cp(sb, uc_upper(c));
}

void uc_add_lower(struct strbuf *sb, uint32_t c)
{
	if (c == 0x130)
		strbuf_adds(sb, "i\xCC\x87");
	else
		uc_add_cp(sb, uc_lower(c));
}

/* Append fill n times. */
void uc_add_fill(struct strbuf *sb, uint32_t fill, size_t n)
{
	char buf[4];
	size_t len = utf8_put(buf, fill);

	if (len == 1) {
		strbuf_addchars(sb, buf[0], n);
		return;
	}
	while (n--)
		strbuf_add(sb, buf, len);
}
