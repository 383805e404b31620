package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * Whether host names among a pool's endpoints are re-resolved every {@code refresh}, each address
 * becoming an endpoint (see {@link DnsMembership}). Off by default: a name is then one endpoint,
 * resolved by the HTTP client on each new connection. The JVM caches lookups for 30 s unless the
 * {@code networkaddress.cache.ttl} security property says otherwise.
 *
 * <pre>
 * dns: {enabled: true, refresh: 5s}
 * </pre>
 */
public record DnsConfig(boolean enabled, Duration refresh) {
  public static final DnsConfig OFF = new DnsConfig(false, Duration.ofSeconds(10));

  public static DnsConfig from(ConfigNode node) {
    node.requireOnly("enabled", "refresh");
    return new DnsConfig(
        node.bool("enabled", false),
        node.duration("refresh", OFF.refresh(), Duration.ofMillis(100)));
  }
}
