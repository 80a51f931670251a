import { clientIp, ipBucket } from './client-ip';
import { requestContext } from '../http/request-context';

describe('ipBucket', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:cb00:7107', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8::/64'],
    ['2001:db8:0:0:1::', '2001:db8::/64'],
    ['2001:0:0:1::9', '2001:0:0:1::/64'],
    ['2001:db8:aa:bb::1.2.3.4', '2001:db8:aa:bb::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    ['::1', '::/64'],
    ['::', '::/64'],
    ['unknown', 'unknown'],
    ['not an address', 'not an address'],
  ])('%s → %s', (ip, bucket) => {
    expect(ipBucket(ip)).toBe(bucket);
  });

  it('puts every address of one /64 in the same bucket and neighbouring /64s in others', () => {
    const a = ipBucket('2408:8207:1234:5678:a1b2:c3d4:e5f6:0001');
    expect(ipBucket('2408:8207:1234:5678::dead:beef')).toBe(a);
    expect(ipBucket('2408:8207:1234:5679:a1b2:c3d4:e5f6:0001')).not.toBe(a);
  });

  it('keeps IPv4 addresses apart', () => {
    expect(ipBucket('198.51.100.7')).not.toBe(ipBucket('198.51.100.8'));
  });
});

describe('clientIp', () => {
  it('buckets the address of the current request', () => {
    expect(requestContext.run({ requestId: 'r', ip: '2001:db8:1:2::99' }, clientIp)).toBe('2001:db8:1:2::/64');
  });

  it('is "unknown" outside a request or without an address', () => {
    expect(clientIp()).toBe('unknown');
    expect(requestContext.run({ requestId: 'r' }, clientIp)).toBe('unknown');
  });
});
