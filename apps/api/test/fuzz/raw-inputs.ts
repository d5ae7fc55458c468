/** Hostile inputs sent as they are, whatever the field: escapes, field names and whole bodies. */

/** Escapes that are not valid percent-encoding or not valid UTF-8, sent as they are. */
export const RAW_ESCAPES: readonly (readonly [string, string])[] = [
  ['lone %', '%'],
  ['%zz', '%zz'],
  ['%0', '%0'],
  ['%00', '%00'],
  ['%ff (invalid UTF-8)', '%ff'],
  ['overlong NUL %C0%80', '%C0%80'],
  ['UTF-8 of a surrogate %ED%A0%80', '%ED%A0%80'],
  ['%2F (slash)', '%2F'],
  ['%2e%2e', '%2e%2e'],
  ['%25 (percent)', '%25'],
  ['+ for space', '+'],
  ['%0d%0a header injection', 'a%0d%0aSet-Cookie:%20x=1'],
];

/** Field names no route knows; some mean something to JavaScript or to the domain. */
export const UNKNOWN_FIELDS: readonly string[] = [
  'force',
  'status',
  'role',
  'id',
  'user_id',
  'admin',
  'created_at',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
  ' ',
  'reservation_name ',
  'RESERVATION_NAME',
  '\u0000',
  '\ud800',
  'a'.repeat(300),
];

/** Bodies that are not JSON, or JSON of the wrong shape, with whether the contract refuses them. */
export const RAW_BODIES: readonly (readonly [string, Buffer, boolean])[] = [
  ['empty', Buffer.alloc(0), false],
  ['not JSON', Buffer.from('hello'), true],
  ['truncated JSON', Buffer.from('{"reservation_name": "x"'), true],
  ['trailing comma', Buffer.from('{"a": 1,}'), true],
  ['single quotes', Buffer.from("{'a': 1}"), true],
  ['comment', Buffer.from('{/* hi */}'), true],
  ['NaN literal', Buffer.from('{"number_of_people": NaN}'), true],
  ['JSON null', Buffer.from('null'), true],
  ['JSON string', Buffer.from('"x"'), true],
  ['JSON number', Buffer.from('1'), true],
  ['JSON true', Buffer.from('true'), true],
  ['JSON array', Buffer.from('[]'), true],
  ['array of objects', Buffer.from('[{}]'), true],
  ['BOM then {}', Buffer.from('\ufeff{}'), false],
  ['two documents', Buffer.from('{}{}'), true],
  [
    'invalid UTF-8 in a string',
    Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    true,
  ],
  [
    'UTF-8 of a surrogate',
    Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    true,
  ],
  ['raw NUL byte', Buffer.from('{"x":"a\u0000b"}'), true],
  ['escaped NUL', Buffer.from('{"x":"a\\u0000b"}'), true],
  ['UTF-16LE', Buffer.from('{}', 'utf16le'), true],
  ['deep nesting', Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), true],
  ['17 KiB of spaces', Buffer.from(`{${' '.repeat(17 * 1024)}}`), false],
  ['huge string', Buffer.from(`{"x":"${'a'.repeat(64 * 1024)}"}`), true],
  ['many keys', Buffer.from(`{${Array.from({ length: 2000 }, (_, i) => `"k${i}":1`).join(',')}}`), true],
];
