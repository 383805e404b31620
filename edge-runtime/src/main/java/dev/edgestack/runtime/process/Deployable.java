package dev.edgestack.runtime.process;

import io.vertx.core.Future;

/**
 * A deployable's own part of start-up: it reads its config from the context, starts its servers and
 * registers them for draining. {@link EdgeProcess} does everything around it.
 */
@FunctionalInterface
public interface Deployable {
  Future<Void> start(EdgeContext context);
}
