import { isIPv4, isIPv6 } from 'node:net';
import { requestContext } from '../http/request-context';

/**
 * The rate-limit key of the caller's address as Express resolved it (X-Forwarded-For is trusted
 * only from the proxies named by TRUST_PROXY): see `ipBucket`.
 */
export const clientIp = (): string => {
  const ip = requestContext.get()?.ip;
  return ip ? ipBucket(ip) : 'unknown';
};

/**
 * IPv4 clients are counted by address. IPv6 clients are counted by their /64: a subscriber is
 * usually handed a whole /64 (or more) and can pick a fresh address in it for every request, so a
 * per-address limit would be no limit. The /64 is written in RFC 5952 form (`2001:db8:1:2::/64`),
 * so every spelling of an address lands in the same bucket. An IPv4 address seen through a
 * dual-stack socket (`::ffff:203.0.113.7`) is the IPv4 address. Anything else is kept as it is.
 */
export function ipBucket(ip: string): string {
  if (isIPv4(ip)) return ip;
  const groups = ipv6Groups(ip);
  if (!groups) return ip;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${compress([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}

/** The eight 16-bit groups of an IPv6 address (zone index dropped), or undefined when it is not one. */
function ipv6Groups(raw: string): number[] | undefined {
  const ip = raw.replace(/%.*$/, '');
  if (!isIPv6(ip)) return undefined;
  let text = ip.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  const zeros = tail === undefined ? 0 : 8 - front.length - back.length;
  return [...front, ...new Array<number>(zeros).fill(0), ...back];
}

/** RFC 5952: hex without leading zeros, the longest run of two or more zero groups (the first if tied) as `::`. */
function compress(groups: number[]): string {
  let best = { start: -1, length: 0 };
  for (let start = 0; start < groups.length; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - start > best.length) best = { start, length: end - start };
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.length < 2) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
