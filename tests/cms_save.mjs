// A content file saved as the browser editor saves it, for tests/test_admin.py: read by admin/'s
// formats.js, its values put in the order of the form's fields with the empty optional ones left
// out (what Sveltia CMS does on saving, src/lib/services/contents/draft/save/serialize.js, with
// `output.omit_empty_optional_fields`), text fields trimmed, then written by formats.js.
// Input (stdin, JSON): {admin: folder, files: [{description, fields, text, set?}]} (no description:
// a page), where
// `set` is a list of [key path, value] edits made in the form. Output (stdout): the saved texts.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const input = JSON.parse(readFileSync(0, 'utf8'));
const { format } = await import(pathToFileURL(`${input.admin}/formats.js`).href);

const isEmpty = (value) =>
  value === undefined ||
  value === null ||
  value === '' ||
  (Array.isArray(value) && !value.length) ||
  (typeof value === 'object' && !Array.isArray(value) && !Object.keys(value).length);

const saved = (value, field) => {
  if (field.widget === 'object') {
    return value && typeof value === 'object' ? ordered(value, field.fields) : value;
  }
  if (field.widget === 'list' && field.fields) {
    return Array.isArray(value) ? value.map((item) => ordered(item, field.fields)) : value;
  }
  if (field.widget === 'text' || field.widget === 'string') {
    return typeof value === 'string' ? value.trim() : value;
  }
  return value;
};

const ordered = (data, fields) => {
  const result = {};
  for (const field of fields) {
    if (!(field.name in data)) {
      continue;
    }
    const value = saved(data[field.name], field);
    if (field.required === false && isEmpty(value)) {
      continue;
    }
    result[field.name] = value;
  }
  for (const key of Object.keys(data).filter((k) => !fields.some((f) => f.name === k)).sort()) {
    result[key] = data[key];
  }
  return result;
};

const edited = (data, [path, value]) => {
  let here = data;
  for (const key of path.slice(0, -1)) {
    here = here[key];
  }
  here[path.at(-1)] = value;
  return data;
};

// A page (Markdown with YAML front matter, one file per language) is read and written by Sveltia
// CMS itself (src/lib/services/contents/file/parse.js and format.js), with its YAML options.
const { parse, stringify } = await import(pathToFileURL(`${input.admin}/yaml/index.js`).href);
const PAGE_OUTPUT = { indent: 2, indentSeq: true, lineWidth: 0, defaultKeyType: 'PLAIN',
  defaultStringType: 'PLAIN', singleQuote: true };

const page = (text, fields) => {
  const { head, body } = text.trim().replace(/\r\n?/g, '\n')
    .match(/^---\n(?<head>[\s\S]*?)\n---(?:\n(?<body>[\s\S]*))?$/s).groups;
  const data = ordered(parse(head), fields.filter((f) => f.name !== 'body'));
  const content = (body ?? '').trim();
  return `---\n${stringify(data, null, PAGE_OUTPUT).trim()}\n---\n${content ? `\n${content}\n` : ''}`;
};

const texts = input.files.map(({ description, fields, text, set = [] }) => {
  if (!description) {
    return page(text, fields);
  }
  const { fromFile, toFile } = format(description);
  return toFile(ordered(set.reduce(edited, fromFile(text)), fields));
});
process.stdout.write(JSON.stringify(texts));
