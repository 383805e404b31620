package dev.edgestack.stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Asks instances' admin ports for {@code /health/ready} until they answer 200. */
final class ReadinessProbe implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration INTERVAL = Duration.ofMillis(200);

  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(REQUEST_TIMEOUT)
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "edge-stack-readiness");
            thread.setDaemon(true);
            return thread;
          });

  /** Whether the admin port answers 200 on {@code /health/ready} within one second. */
  CompletableFuture<Boolean> check(int adminPort) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/health/ready"))
            .timeout(REQUEST_TIMEOUT)
            .GET()
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .orTimeout(REQUEST_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS)
        .handle((response, failure) -> failure == null && response.statusCode() == 200);
  }

  /**
   * Completes when {@code instance} is ready; fails with a {@link StartupException} when its
   * process exits first or {@code timeout} passes.
   */
  CompletableFuture<Void> awaitReady(Instance instance, Process process, Duration timeout) {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    process
        .onExit()
        .thenAccept(
            exited ->
                ready.completeExceptionally(
                    new StartupException(
                        instance.name(),
                        "exited with status " + exited.exitValue() + " before it was ready",
                        instance.log())));
    timer.schedule(
        () ->
            ready.completeExceptionally(
                new StartupException(
                    instance.name(),
                    "was not ready within "
                        + timeout.toSeconds()
                        + " s (GET http://127.0.0.1:"
                        + instance.adminPort()
                        + "/health/ready never answered 200)",
                    instance.log())),
        timeout.toMillis(),
        TimeUnit.MILLISECONDS);
    poll(instance.adminPort(), ready);
    return ready;
  }

  private void poll(int adminPort, CompletableFuture<Void> ready) {
    if (ready.isDone()) {
      return;
    }
    check(adminPort)
        .thenAccept(
            isReady -> {
              if (isReady) {
                ready.complete(null);
              } else if (!ready.isDone()) {
                try {
                  timer.schedule(
                      () -> poll(adminPort, ready), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closed) {
                  ready.cancel(false);
                }
              }
            });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
