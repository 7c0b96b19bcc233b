import { UnrecoverableError } from 'bullmq';
import type { Config } from '../config.ts';
import type { Subscription } from '../db/subscriptions.ts';
import { postWebhook } from './channels/webhook.ts';
import { sendEmail } from './channels/email.ts';
import { alertEmail, digestEmail } from './email-message.ts';
import { slackBody, type AlertPayload } from './payload.ts';

/** One message to one subscription: a single alert, or a digest of several. */
export interface Outgoing {
  payloads: AlertPayload[];
  digest: boolean;
  /** The same for every attempt at this message: the delivery id, or the digest's batch. */
  idempotencyKey: string;
  /** The last screenshot that still showed the removed thing (email only). */
  screenshot: Buffer | null;
}

/**
 * Sends a message through the subscription's channel; returns the receiver's status code (HTTP, or SMTP 250).
 * Throws DeliveryError for a failure worth retrying, UnrecoverableError for one that never will succeed.
 */
export async function sendToSubscription(config: Config, sub: Subscription, out: Outgoing): Promise<number | null> {
  if (sub.channel === 'webhook' && sub.webhookUrl) {
    const body = sub.webhookFormat === 'slack' ? slackBody(out.payloads) : out.digest ? out.payloads : out.payloads[0];
    const res = await postWebhook({
      url: sub.webhookUrl,
      body: JSON.stringify(body),
      secret: sub.secret,
      idempotencyKey: out.idempotencyKey,
      timeoutMs: config.webhookTimeoutMs,
      allowPrivateNetworks: config.allowPrivateNetworks,
      allowedNetworks: config.allowedNetworks,
      dnsServers: config.dnsServers,
    });
    return res.status;
  }
  if (sub.channel === 'email' && sub.email) {
    if (!config.smtpUrl) throw new UnrecoverableError('SMTP_URL is not set: email subscriptions cannot be delivered');
    const message = out.digest ? digestEmail(out.payloads) : alertEmail(out.payloads[0]!, out.screenshot);
    await sendEmail({ smtpUrl: config.smtpUrl, from: config.mailFrom, timeoutMs: config.webhookTimeoutMs }, sub.email, message);
    return 250;
  }
  throw new UnrecoverableError(`subscription ${sub.id} (${sub.channel}) is not delivered by push`);
}
