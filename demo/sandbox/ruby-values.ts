/**
 * Ruby's strict numeric conversions, `Integer()` and `Float()`, which the server uses to read ids and
 * amounts (upstream §2.2, §2.4). Unlike `Number()`, they refuse blanks and accept underscores between
 * digits and Ruby's radix prefixes.
 */

const INTEGER = /^\s*([+-]?)(?:0[xX]([0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)|0[bB]([01]+(?:_[01]+)*)|0[oO]?([0-7]+(?:_[0-7]+)*)|([1-9]\d*(?:_\d+)*|0))\s*$/;

/** Ruby `Integer(text)`, or undefined where Ruby raises. Results beyond 2^53 are refused too. */
export function rubyInteger(text: string): number | undefined {
  const m = INTEGER.exec(text);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const [radix, digits] = m[2] !== undefined ? [16, m[2]] : m[3] !== undefined ? [2, m[3]] : m[4] !== undefined ? [8, m[4]] : [10, m[5] ?? ''];
  const value = sign * parseInt(digits.replace(/_/g, ''), radix);
  return Number.isSafeInteger(value) ? value : undefined;
}

const DEC = String.raw`\d+(?:_\d+)*`;
const FLOAT = new RegExp(String.raw`^\s*[+-]?(?:${DEC}(?:\.${DEC})?|\.${DEC})(?:[eE][+-]?${DEC})?\s*$`);
const HEX_FLOAT = /^\s*[+-]?0[xX][0-9a-fA-F]+(?:_[0-9a-fA-F]+)*\s*$/;

/** Ruby `Float(text)`, or undefined where Ruby raises. */
export function rubyFloat(text: string): number | undefined {
  if (HEX_FLOAT.test(text)) return rubyInteger(text);
  if (!FLOAT.test(text)) return undefined;
  const value = Number(text.trim().replace(/_/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

/** Rails `blank?` for a param value: undefined, null, a whitespace-only string, or an empty array/hash. */
export function isBlank(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return /^\s*$/.test(value);
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/**
 * Ruby 2.4 `String#strip`: ASCII whitespace (`\t \n \v \f \r` and space) at the start, and ASCII
 * whitespace or NUL at the end. Unicode spaces (no-break space, ideographic space…) are kept, unlike
 * JavaScript's `\s`.
 */
export function rubyStrip(text: string): string {
  return text.replace(/^[\t\n\v\f\r ]+/, '').replace(/[\t\n\v\f\r \0]+$/, '');
}
