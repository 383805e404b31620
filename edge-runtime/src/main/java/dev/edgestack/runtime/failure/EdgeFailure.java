package dev.edgestack.runtime.failure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A failure with its kind, a detail for the client and headers the answer must carry (such as
 * {@code WWW-Authenticate} or {@code Retry-After}). Failures travel as failed Futures and are
 * turned into HTTP answers only by {@link FailureResponder}.
 */
public final class EdgeFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final FailureKind kind;
  private final transient Map<String, String> headers;

  private EdgeFailure(
      FailureKind kind, String detail, Map<String, String> headers, Throwable cause) {
    // No stack trace: these are expected outcomes on the data path, not bugs.
    super(detail, cause, false, false);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.headers = Map.copyOf(headers);
  }

  public static EdgeFailure of(FailureKind kind, String detail) {
    return new EdgeFailure(kind, detail, Map.of(), null);
  }

  public static EdgeFailure of(FailureKind kind, String detail, Throwable cause) {
    return new EdgeFailure(kind, detail, Map.of(), cause);
  }

  /** A copy that also carries {@code name: value} in the answer. */
  public EdgeFailure withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new EdgeFailure(kind, getMessage(), more, getCause());
  }

  public FailureKind kind() {
    return kind;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
