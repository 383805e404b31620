package dev.edgestack.gateway.config;

import dev.edgestack.gateway.route.UpstreamTemplate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One part of a composed response: its name in the JSON document, the upstream and path it comes
 * from, and whether the whole response fails without it ({@code required}) or reports it missing.
 *
 * <p>{@code after} names the parts it waits for: those written in {@code after:} and those whose
 * fields its path uses ({@code /transactions/{account.id}}). {@code timeout} bounds its own call
 * (never beyond the route's deadline); {@code fallbackJson} is what an optional part holds in the
 * document when it is missing (still reported missing).
 */
public record ComposePart(
    String name,
    String upstream,
    UpstreamTemplate path,
    boolean required,
    List<String> after,
    Optional<Duration> timeout,
    Optional<String> fallbackJson) {

  public ComposePart {
    Objects.requireNonNull(name, "name");
    after = List.copyOf(after);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(fallbackJson, "fallbackJson");
  }

  /** A part called at once, bounded only by the route's timeout, without a fallback. */
  public ComposePart(String name, String upstream, UpstreamTemplate path, boolean required) {
    this(name, upstream, path, required, List.of(), Optional.empty(), Optional.empty());
  }

  /** The {@code {part.field}} variables of the path, which come from earlier parts' answers. */
  public List<String> references() {
    return path.variables().stream().filter(variable -> variable.contains(".")).toList();
  }
}
