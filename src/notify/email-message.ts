import type { AlertPayload } from './payload.ts';
import { evidenceExcerpt } from './payload.ts';
import { html, safeHref, type SafeHtml } from './html.ts';

/** An email ready for the SMTP channel. */
export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: Buffer; contentType: string; cid: string }[];
}

export const SCREENSHOT_CID = 'screenshot@scrubwatch';

function where(p: AlertPayload): string {
  return p.target.name ? `${p.target.name} (${p.target.url})` : p.target.url;
}

function textBlock(p: AlertPayload): string {
  const excerpt = evidenceExcerpt(p.evidence);
  return [
    `[${p.alert.severity}] ${p.alert.kind}: ${p.alert.summary}`,
    `Where: ${where(p)}`,
    `When: ${p.alert.createdAt}`,
    excerpt ? `Evidence: "${excerpt}"` : null,
    p.wayback ? `Wayback Machine copy before the removal: ${p.wayback.url}` : 'Wayback Machine: no earlier public copy found',
    `Review: ${p.alert.url}`,
    ...p.snapshots.map((s) => `Snapshot (${s.role}): ${s.url}`),
  ]
    .filter((l) => l !== null)
    .join('\n');
}

function htmlBlock(p: AlertPayload, screenshot: boolean): SafeHtml {
  const excerpt = evidenceExcerpt(p.evidence);
  return html`<h2 style="margin:0 0 8px">[${p.alert.severity}] ${p.alert.kind}</h2>
<p>${p.alert.summary}</p>
<p><b>Where:</b> <a href="${safeHref(p.target.url)}">${p.target.name ?? p.target.url}</a><br><b>When:</b> ${p.alert.createdAt}</p>
${excerpt ? html`<blockquote style="border-left:3px solid #c00;margin:0;padding:4px 12px;color:#333">${excerpt}</blockquote>` : ''}
<p>${p.wayback ? html`<a href="${safeHref(p.wayback.url)}">Wayback Machine copy from before the removal</a>` : 'No earlier public copy in the Wayback Machine.'}</p>
<p><a href="${safeHref(p.alert.url)}">Review alert #${p.alert.id}</a> · ${p.snapshots.map((s, i) => html`${i ? ' · ' : ''}<a href="${safeHref(s.url)}">snapshot ${s.role}</a>`)}</p>
${screenshot ? html`<p><img src="cid:${SCREENSHOT_CID}" alt="The page's last screenshot that still had it" style="max-width:600px;border:1px solid #ccc"></p>` : ''}`;
}

/** One alert: what was removed, where, when, the evidence excerpt, the Wayback copy, links, the last screenshot. */
export function alertEmail(p: AlertPayload, screenshot: Buffer | null): EmailMessage {
  return {
    subject: `[scrubwatch] ${p.alert.kind} (${p.alert.severity}): ${p.target.name ?? p.target.url}`,
    text: `${textBlock(p)}\n\n-- \nscrubwatch\n`,
    html: html`<!doctype html><html><body style="font-family:sans-serif">${htmlBlock(p, screenshot !== null)}<hr><small>scrubwatch</small></body></html>`.value,
    attachments: screenshot ? [{ filename: 'screenshot.png', content: screenshot, contentType: 'image/png', cid: SCREENSHOT_CID }] : [],
  };
}

/** A digest: every alert gathered since the last one, in one message (without screenshots, to keep it small). */
export function digestEmail(payloads: AlertPayload[]): EmailMessage {
  return {
    subject: `[scrubwatch] digest: ${payloads.length} alert${payloads.length === 1 ? '' : 's'}`,
    text: `${payloads.map(textBlock).join('\n\n----\n\n')}\n\n-- \nscrubwatch\n`,
    html: html`<!doctype html><html><body style="font-family:sans-serif">${payloads.map((p) => html`${htmlBlock(p, false)}<hr>`)}<small>scrubwatch</small></body></html>`.value,
    attachments: [],
  };
}
