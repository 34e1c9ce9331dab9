// How the browser editor (admin/) reads and writes a content file; one format per YAML file type.
// Sveltia CMS would read and write YAML itself, with the same library and options, but it would drop
// the file's first line (the schema an editor checks the file against), would not read a text
// written as a plain string, and would write strings that a YAML 1.1 reader (PyYAML, which
// ssk-report reads content with) takes for something else (`yes`, `10:30`, a date) unquoted.
// Runs in the browser and, for the tests, in Node.js.

import { parse, stringify } from './yaml/index.js';

// Sveltia CMS's own YAML output options (src/lib/services/contents/file/format.js), except the
// version: a string YAML 1.1 would read as a boolean, a number or a date is quoted.
const OUTPUT = {
  indent: 2,
  indentSeq: true,
  lineWidth: 0,
  defaultKeyType: 'PLAIN',
  defaultStringType: 'PLAIN',
  singleQuote: true,
  version: '1.1',
};

// A text (model.Text) may be written as a plain string, meaning Indonesian only; the form edits
// it as its two languages. `path`: keys, '*' for every item of a list or value of a mapping.
const wrapTexts = (value, path) => {
  if (value === null || value === undefined) {
    return value;
  }
  if (!path.length) {
    return typeof value === 'string' ? { id: value } : value;
  }
  const [key, ...rest] = path;
  if (key === '*') {
    if (Array.isArray(value)) {
      return value.map((item) => wrapTexts(item, rest));
    }
    if (typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrapTexts(v, rest)]));
    }
    return value;
  }
  if (typeof value === 'object' && !Array.isArray(value) && key in value) {
    return { ...value, [key]: wrapTexts(value[key], rest) };
  }
  return value;
};

/** The format of one file type: `{modeline, texts}` as admin.py describes it. */
export const format = ({ modeline, texts }) => ({
  fromFile: (text) => texts.reduce((data, path) => wrapTexts(data, path), parse(text) ?? {}),
  toFile: (data) => `${modeline}\n${stringify(data, null, OUTPUT)}`,
});

/** Register every file type's format with the CMS: `formats` maps a format's name to its description. */
export const register = (CMS, formats) => {
  for (const [name, description] of Object.entries(formats)) {
    CMS.registerCustomFormat(name, 'yaml', format(description));
  }
};
