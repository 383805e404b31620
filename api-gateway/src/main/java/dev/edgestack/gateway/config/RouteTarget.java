package dev.edgestack.gateway.config;

import dev.edgestack.gateway.route.UpstreamTemplate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where a matched route's request goes: one upstream (proxied) or several (composed). */
public sealed interface RouteTarget permits RouteTarget.Proxy, RouteTarget.Compose {

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

  /** Calls every part in parallel within {@code timeout} and answers one JSON document. */
  record Compose(List<ComposePart> parts, Duration timeout) implements RouteTarget {
    public Compose {
      parts = List.copyOf(parts);
    }
  }
}
