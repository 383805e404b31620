package dev.edgestack.gateway.config;

import dev.edgestack.gateway.route.UpstreamTemplate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where a matched route's request goes: one upstream (proxied), one of several by weight (split) or
 * several at once (composed).
 */
public sealed interface RouteTarget
    permits RouteTarget.Proxy, RouteTarget.Compose, RouteTarget.Split {

  /**
   * Streams the request to {@code upstream} at {@code path}; with a {@code timeout}, the whole
   * exchange must be answered within it (504 otherwise), retries included.
   */
  record Proxy(String upstream, UpstreamTemplate path, Optional<Duration> timeout)
      implements RouteTarget {
    public Proxy(String upstream, UpstreamTemplate path) {
      this(upstream, path, Optional.empty());
    }
  }

  /**
   * Streams the request at {@code path} to one of the split's upstreams, chosen per request, within
   * the {@code timeout} as for {@link Proxy}.
   */
  record Split(TrafficSplit split, UpstreamTemplate path, Optional<Duration> timeout)
      implements RouteTarget {}

  /** Calls every part in parallel within {@code timeout} and answers one JSON document. */
  record Compose(List<ComposePart> parts, Duration timeout) implements RouteTarget {
    public Compose {
      parts = List.copyOf(parts);
    }
  }
}
