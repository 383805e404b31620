package dev.edgestack.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A service replica that answers every request with what it received (method, URI, headers, body)
 * as JSON and names itself in {@code X-Served-By}; {@code /health/ready} is UP and any path
 * containing {@code unknown} is a 404, like a service that does not know the account.
 */
public final class EchoUpstream implements AutoCloseable {
  private final HttpServer server;

  private EchoUpstream(Vertx vertx, String name) throws Exception {
    this.server =
        vertx
            .createHttpServer()
            .requestHandler(request -> answer(name, request))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  public static EchoUpstream start(Vertx vertx, String name) throws Exception {
    return new EchoUpstream(vertx, name);
  }

  private static void answer(String name, HttpServerRequest request) {
    if (request.path().equals("/health/ready")) {
      request.response().end("{\"status\":\"UP\"}");
      return;
    }
    request
        .body()
        .onSuccess(
            body -> {
              JsonObject headers = new JsonObject();
              request
                  .headers()
                  .forEach(
                      header -> {
                        String key = header.getKey().toLowerCase(Locale.ROOT);
                        JsonArray values = headers.getJsonArray(key, new JsonArray());
                        headers.put(key, values.add(header.getValue()));
                      });
              JsonObject echo =
                  new JsonObject()
                      .put("service", name)
                      .put("method", request.method().name())
                      .put("uri", request.uri())
                      .put("headers", headers)
                      .put("body", body.toString());
              request
                  .response()
                  .setStatusCode(request.path().contains("unknown") ? 404 : 200)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("X-Served-By", name)
                  .end(echo.encode());
            });
  }

  /** The endpoint as pools write it: {@code 127.0.0.1:port} (health checked on the same port). */
  public String endpoint() {
    return "127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
