package dev.edgestack.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service that misbehaves on purpose, by path: {@code /account/{id}} answers {@code {"id",
 * "owner"}}, {@code /echo...} answers its URI, {@code /slow/{ms}} answers after {@code ms}, {@code
 * /hang} never answers (and counts the connections closed under it), nor does {@code /stall},
 * {@code /status/{code}} answers that status, {@code /flaky} answers {@link #flakyStatus}, {@code
 * /upload} reads the whole body and counts complete bodies. Every path's calls are counted; {@code
 * /health/ready} is always UP.
 */
public final class MisbehavingUpstream implements AutoCloseable {
  public final AtomicInteger flakyStatus = new AtomicInteger(200);
  public final AtomicInteger hangClosed = new AtomicInteger();
  public final AtomicInteger uploadsCompleted = new AtomicInteger();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final HttpServer first;
  private final HttpServer second;

  private MisbehavingUpstream(Vertx vertx) throws Exception {
    this.first = listen(vertx);
    this.second = listen(vertx);
  }

  /** Two servers on two ports sharing one behaviour, so that a pool could retry elsewhere. */
  public static MisbehavingUpstream start(Vertx vertx) throws Exception {
    return new MisbehavingUpstream(vertx);
  }

  private HttpServer listen(Vertx vertx) throws Exception {
    return vertx
        .createHttpServer()
        .requestHandler(this::answer)
        .listen(0, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** How many requests reached a path starting with {@code prefix} (such as {@code /hang}). */
  public int calls(String prefix) {
    return calls.entrySet().stream()
        .filter(entry -> entry.getKey().startsWith(prefix))
        .mapToInt(entry -> entry.getValue().get())
        .sum();
  }

  private void answer(HttpServerRequest request) {
    String path = request.path();
    if (path.equals("/health/ready")) {
      request.response().end("{\"status\":\"UP\"}");
      return;
    }
    calls.computeIfAbsent(path, ignored -> new AtomicInteger()).incrementAndGet();
    String[] segments = path.split("/");
    if (path.startsWith("/account/")) {
      json(
          request,
          200,
          new JsonObject().put("id", segments[2]).put("owner", "owner-of-" + segments[2]));
    } else if (path.startsWith("/echo")) {
      json(request, 200, new JsonObject().put("uri", request.uri()));
    } else if (path.startsWith("/slow/")) {
      request.response().exceptionHandler(ignored -> {});
      Vertx.currentContext()
          .owner()
          .setTimer(
              Long.parseLong(segments[2]),
              id -> {
                if (!request.response().closed()) {
                  json(request, 200, new JsonObject().put("slow", true));
                }
              });
    } else if (path.equals("/hang")) {
      request.connection().closeHandler(ignored -> hangClosed.incrementAndGet());
    } else if (path.equals("/stall")) {
      request.response().exceptionHandler(ignored -> {});
    } else if (path.startsWith("/status/")) {
      json(request, Integer.parseInt(segments[2]), new JsonObject().put("status", segments[2]));
    } else if (path.equals("/flaky")) {
      json(request, flakyStatus.get(), new JsonObject().put("flaky", flakyStatus.get()));
    } else if (path.equals("/upload")) {
      request
          .body()
          .onSuccess(
              body -> {
                uploadsCompleted.incrementAndGet();
                json(request, 200, new JsonObject().put("bytes", body.length()));
              });
    } else {
      json(request, 404, new JsonObject());
    }
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  /** Both servers as a pool writes its endpoints. */
  public String endpoints() {
    return "127.0.0.1:" + first.actualPort() + ",127.0.0.1:" + second.actualPort();
  }

  /** The first server only. */
  public String endpoint() {
    return "127.0.0.1:" + first.actualPort();
  }

  @Override
  public void close() throws Exception {
    first.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
