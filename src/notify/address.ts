// Where a notification may be sent. An admin can point a webhook (or a Slack URL) anywhere, so without a
// check the server would POST to its own loopback services, the private network, or a cloud metadata
// endpoint on request (SSRF). As Grafana and GitLab do, such targets are refused unless an admin setting
// (notifyAllowPrivate) allows them.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 3], // multicast and reserved
] as const) {
  PRIVATE.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 127], // unspecified and loopback
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  PRIVATE.addSubnet(net, bits, "ipv6");
}

/** Whether an IP address is loopback, private, link-local, shared or otherwise not on the public internet. */
export function isPrivateAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped) return PRIVATE.check(mapped, "ipv4");
  const family = isIP(ip);
  if (family === 0) return false;
  return PRIVATE.check(ip, family === 4 ? "ipv4" : "ipv6");
}

/** How a host name is resolved (every address); injectable for tests. */
export type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Why `url` may not be sent to, or undefined when it may: a host that is, or resolves to, a private
 * address. A name that does not resolve is left to the request to fail (retryably). The check resolves
 * the name once before the request, which resolves it again: a name that changes its answer in between
 * (DNS rebinding) is not caught; an address literal always is.
 */
export async function refusedTarget(url: string, resolve: Resolve = resolveAll): Promise<string | undefined> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return undefined;
    }
  }
  const blocked = addresses.find(isPrivateAddress);
  if (blocked === undefined) return undefined;
  const via = blocked === host ? "" : ` (${host} resolves to ${blocked})`;
  return `refused to send to ${host}${via}: a loopback or private address; an admin may allow such targets with the setting notifyAllowPrivate (FLAKEGUARD_NOTIFY_ALLOW_PRIVATE=true)`;
}
