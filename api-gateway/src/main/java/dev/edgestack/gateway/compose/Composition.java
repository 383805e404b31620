package dev.edgestack.gateway.compose;

import dev.edgestack.runtime.failure.EdgeFailure;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The result of a composition: a complete (possibly partial) document, or a failure. */
public sealed interface Composition permits Composition.Complete, Composition.Failed {

  /** A 200 answer; {@code missing} names the optional parts that failed (null in the body). */
  record Complete(JsonObject body, List<String> missing) implements Composition {
    public Complete {
      missing = List.copyOf(missing);
    }

    public boolean partial() {
      return !missing.isEmpty();
    }
  }

  /** A required part failed: the whole answer is this failure. */
  record Failed(EdgeFailure failure) implements Composition {}
}
