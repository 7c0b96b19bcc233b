import nodemailer from 'nodemailer';
import { DeliveryError, describeError } from '../../errors/index.ts';
import type { EmailMessage } from '../email-message.ts';

/** The SMTP server and sender of alert emails. */
export interface SmtpSettings {
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}

/**
 * Sends one message through SMTP (`SMTP_URL`). A transport per message: delivery jobs are rare, and nothing is left
 * open between them. Throws DeliveryError with the SMTP reply code when the server refused.
 */
export async function sendEmail(settings: SmtpSettings, to: string, message: EmailMessage): Promise<{ messageId: string; response: string }> {
  const transport = nodemailer.createTransport({
    url: settings.smtpUrl,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  try {
    const info = await transport.sendMail({ from: settings.from, to, ...message });
    return { messageId: info.messageId, response: info.response };
  } catch (err) {
    const code = (err as { responseCode?: unknown }).responseCode;
    throw new DeliveryError(`SMTP: ${describeError(err)}`, typeof code === 'number' ? code : null, { cause: err });
  } finally {
    transport.close();
  }
}
