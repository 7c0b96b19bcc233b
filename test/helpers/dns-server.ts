import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';

const NXDOMAIN = 3;
const AUTHORITATIVE = 1 << 10;

/**
 * How a name is answered. `answers` are the A/AAAA records of every query; with `then`, the first `times` (default 1)
 * resolutions (an A and an AAAA question each) get `answers` and all later ones `then` (a rebinding name); with
 * `alternate`, the n-th A query gets `alternate[n % length]`; `silent` names are never answered (a dead resolver).
 */
export type DnsBehaviour =
  | { answers: string[] }
  | { answers: string[]; then: string[]; times?: number }
  | { alternate: string[] }
  | { silent: true };

/** A real DNS server on UDP 127.0.0.1, answering A and AAAA from a table the test sets. */
export interface TestDnsServer {
  /** `127.0.0.1:<port>`, as SCRUBWATCH_DNS_SERVERS takes it. */
  address: string;
  set(name: string, behaviour: DnsBehaviour): void;
  /** Questions asked for `name` so far (A and AAAA each count). */
  queries(name: string): number;
  /** Every address this server handed out for `name`, in order. */
  served(name: string): string[];
  close(): Promise<void>;
}

export async function startDnsServer(): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  const table = new Map<string, DnsBehaviour>();
  const asked = new Map<string, number>();
  const aQueries = new Map<string, number>();
  const handedOut = new Map<string, string[]>();

  const addressesFor = (name: string, behaviour: DnsBehaviour, type: 'A' | 'AAAA'): string[] => {
    if ('alternate' in behaviour) {
      if (type === 'AAAA') return [];
      const n = aQueries.get(name) ?? 0;
      aQueries.set(name, n + 1);
      return [behaviour.alternate[n % behaviour.alternate.length] ?? ''];
    }
    if ('then' in behaviour) return (asked.get(name) ?? 0) <= (behaviour.times ?? 1) * 2 ? behaviour.answers : behaviour.then;
    return 'answers' in behaviour ? behaviour.answers : [];
  };

  socket.on('message', (message, remote) => {
    let query: ReturnType<typeof dnsPacket.decode>;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    asked.set(name, (asked.get(name) ?? 0) + 1);
    const behaviour = table.get(name);
    if (behaviour && 'silent' in behaviour) return;
    const answers: Answer[] = [];
    if (behaviour && (question.type === 'A' || question.type === 'AAAA')) {
      const family = question.type === 'A' ? 4 : 6;
      for (const address of addressesFor(name, behaviour, question.type)) {
        if (isIP(address) !== family) continue;
        answers.push({ type: question.type, name: question.name, ttl: 0, data: address });
        handedOut.set(name, [...(handedOut.get(name) ?? []), address]);
      }
    }
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: AUTHORITATIVE | (behaviour ? 0 : NXDOMAIN),
      questions: query.questions,
      answers,
    });
    socket.send(reply, remote.port, remote.address);
  });

  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    set: (name, behaviour) => {
      table.set(name.toLowerCase(), behaviour);
      asked.delete(name.toLowerCase());
      aQueries.delete(name.toLowerCase());
    },
    queries: (name) => asked.get(name.toLowerCase()) ?? 0,
    served: (name) => handedOut.get(name.toLowerCase()) ?? [],
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
