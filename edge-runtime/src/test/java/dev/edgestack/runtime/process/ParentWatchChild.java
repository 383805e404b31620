package dev.edgestack.runtime.process;

import io.vertx.core.Future;

/** A do-nothing deployable run as its own JVM by {@link ParentWatchTest}. */
public final class ParentWatchChild {
  private ParentWatchChild() {}

  public static void main(String[] args) {
    EdgeProcess.main("child", args, context -> Future.succeededFuture());
  }
}
