/**
 * Sidebar help of the action nodes, per language: a prose template (src/editor/help/<lang>.html,
 * shared by the five nodes) filled with the node's texts from its message catalog
 * (locales/<lang>/3cx-<x>.json, `help.*`) and the method list generated from the catalog and the
 * operations table. Written at build time beside the built node (dist/nodes/locales/<lang>/).
 */
import fs from "node:fs";
import path from "node:path";
import type { HomeNode, ParamSpec } from "../catalog";
import { groupsOf, type Offer } from "../operations/offers";
import { offerV20 } from "./action-spec";

const ROOT = path.resolve(__dirname, "../../..");
const TEMPLATES = path.join(ROOT, "src/editor/help");
const LOCALES = path.join(ROOT, "locales");

type Texts = Record<string, unknown>;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Catalog prose marks names with backticks; they become <code>. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, "_");

function lookup(texts: Texts, key: string): string | undefined {
  let cur: unknown = texts;
  for (const part of key.split(".")) cur = typeof cur === "object" && cur !== null ? (cur as Texts)[part] : undefined;
  return typeof cur === "string" ? cur : undefined;
}

function paramLine(p: ParamSpec, texts: Texts): string {
  const need = lookup(texts, p.required ? "help.required" : "help.optional") ?? (p.required ? "required" : "optional");
  let type: string = p.type;
  if (p.type === "boolean") type = p.encoding === "onoff" ? "on/off" : "1/0";
  if (p.type === "enum") type = p.values.map((v) => `${v.value} = ${v.label}`).join(", ") + (p.open ? ", …" : "");
  const hint = lookup(texts, `hints.${slug(p.hint)}`) ?? p.hint;
  return `<li><code>${p.name}</code> <i>${escapeHtml(need)}; ${escapeHtml(type)}</i>: ${prose(hint)}</li>`;
}

function operationNote(o: Offer, texts: Texts): string {
  const op = o.operation;
  if (!op) return "";
  const parts: string[] = [];
  for (const [from, to] of Object.entries(op.rename ?? {})) parts.push(`<code>${from}</code> → <code>${to}</code>`);
  for (const [k, v] of Object.entries(op.fixed ?? {})) parts.push(`<code>${k}=${escapeHtml(v)}</code>`);
  if (op.lookup) parts.push(`<code>${op.lookup.param}</code> ← <code>${op.lookup.method}</code>`);
  const calls = lookup(texts, "help.calls") ?? "calls";
  return ` <i>(${escapeHtml(calls)} <code>${o.target.name}</code>${parts.length ? `: ${parts.join(", ")}` : ""})</i>`;
}

function methodEntry(o: Offer, texts: Texts): string {
  const none = lookup(texts, "help.noParams") ?? "no parameters";
  const label = lookup(texts, `methods.${slug(o.name)}`) ?? o.view.label;
  const description = lookup(texts, `descriptions.${slug(o.name)}`) ?? o.view.description;
  const kind = lookup(texts, `help.${o.view.kind}`) ?? o.view.kind;
  const params = o.view.params.length ? o.view.params.map((p) => paramLine(p, texts)).join("") : `<li><i>${escapeHtml(none)}</i></li>`;
  const v20 = offerV20(o);
  const v20Tag = v20 === "supported" ? "" : ` <span class="property-type">${escapeHtml(lookup(texts, v20 === "preview" ? "help.v20Preview" : "help.v20None") ?? v20)}</span>`;
  return `<dt>${escapeHtml(label)} <code>${o.name}</code> <span class="property-type">${escapeHtml(kind)}</span>${v20Tag}</dt>\n` +
    `<dd>${prose(description)}${operationNote(o, texts)}<ul>${params}</ul></dd>`;
}

function methodList(home: HomeNode, texts: Texts): string {
  return groupsOf(home).map(({ group, offers }) => [
    `<h4>${escapeHtml(lookup(texts, `groups.${slug(group)}`) ?? group)}</h4>`,
    `<dl class="message-properties">`,
    ...offers.map((o) => methodEntry(o, texts)),
    "</dl>",
  ].join("\n")).join("\n");
}

/** The node's help in one language, or undefined when that language has no template or catalog. */
export function actionHelp(home: HomeNode, lang: string): string | undefined {
  const type = `3cx-${home}`;
  const templateFile = path.join(TEMPLATES, `${lang}.html`);
  const catalogFile = path.join(LOCALES, lang, `${type}.json`);
  if (!fs.existsSync(templateFile) || !fs.existsSync(catalogFile)) return undefined;
  const catalog = JSON.parse(fs.readFileSync(catalogFile, "utf8")) as Texts;
  const texts = (catalog[type] ?? {}) as Texts;
  const fill: Record<string, string> = {
    type,
    summary: lookup(texts, "help.summary") ?? "",
    details: lookup(texts, "help.details") ?? "",
    methods: methodList(home, texts),
  };
  return fs.readFileSync(templateFile, "utf8").replace(/\{\{(\w+)\}\}/g, (m, key: string) => fill[key] ?? m);
}

/** Writes the node's help for every language that has a template into `outDir/<lang>/3cx-<x>.html`. */
export function writeActionHelp(home: HomeNode, outDir: string): string[] {
  const written: string[] = [];
  for (const lang of fs.readdirSync(TEMPLATES).filter((f) => f.endsWith(".html")).map((f) => f.replace(/\.html$/, ""))) {
    const html = actionHelp(home, lang);
    if (html === undefined) continue;
    const file = path.join(outDir, lang, `3cx-${home}.html`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, html);
    written.push(file);
  }
  return written;
}
