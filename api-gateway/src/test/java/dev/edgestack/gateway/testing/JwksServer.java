package dev.edgestack.gateway.testing;

import dev.edgestack.runtime.security.DemoSigningKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A demo issuer's JWKS endpoint on a real port that counts its fetches. */
public final class JwksServer implements AutoCloseable {
  public static final String PATH = "/.well-known/jwks.json";

  private final AtomicReference<JsonObject> document =
      new AtomicReference<>(new JsonObject().put("keys", new JsonArray()));
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile boolean down;
  private final HttpServer server;

  private JwksServer(Vertx vertx, int port) throws Exception {
    this.server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  if (request.path().equals(PATH) && down) {
                    fetches.incrementAndGet();
                    request.response().setStatusCode(503).end();
                  } else if (request.path().equals(PATH)) {
                    fetches.incrementAndGet();
                    request
                        .response()
                        .putHeader("Content-Type", "application/json")
                        .end(document.get().encode());
                  } else {
                    request.response().setStatusCode(404).end();
                  }
                })
            .listen(port, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  public static JwksServer start(Vertx vertx, DemoSigningKey... keys) throws Exception {
    return startOn(vertx, 0, keys);
  }

  public static JwksServer startOn(Vertx vertx, int port, DemoSigningKey... keys) throws Exception {
    JwksServer jwks = new JwksServer(vertx, port);
    jwks.publish(keys);
    return jwks;
  }

  public void publish(DemoSigningKey... keys) {
    JsonArray published = new JsonArray();
    for (DemoSigningKey key : keys) {
      published.add(new JsonObject(key.publicJwk()));
    }
    document.set(new JsonObject().put("keys", published));
  }

  /** Publishes JWKs as they are, for keys made by the test itself. */
  public void publishJwks(JsonObject... jwks) {
    JsonArray published = new JsonArray();
    for (JsonObject jwk : jwks) {
      published.add(jwk);
    }
    document.set(new JsonObject().put("keys", published));
  }

  /** While down, every fetch is answered 503, as an issuer in trouble would. */
  public void down(boolean down) {
    this.down = down;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + PATH;
  }

  public int fetches() {
    return fetches.get();
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
