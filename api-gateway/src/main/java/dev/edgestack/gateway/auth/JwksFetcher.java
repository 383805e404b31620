package dev.edgestack.gateway.auth;

import dev.edgestack.gateway.config.JwtConfig;
import dev.edgestack.gateway.support.Deadlines;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Fetches the issuer's JWKS over HTTP(S), each attempt within {@code fetchTimeout}. */
public final class JwksFetcher implements JwksSource {
  /** The static keys of an issuer without a JWKS URL, as a JWKS document. */
  public static JwksSource staticKeys(JwtConfig config) {
    JsonObject document =
        new JsonObject().put("keys", new io.vertx.core.json.JsonArray(config.staticKeys()));
    return () -> Future.succeededFuture(document.copy());
  }

  private static final int MAX_BYTES = 512 * 1024;

  private final Vertx vertx;
  private final JwtConfig config;
  private final WebClient client;

  public JwksFetcher(Vertx vertx, JwtConfig config) {
    this.vertx = vertx;
    this.config = config;
    int timeoutMillis = (int) Math.max(1, config.fetchTimeout().toMillis());
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setConnectTimeout(timeoutMillis)
                .setKeepAlive(false)
                .setFollowRedirects(false)
                .setUserAgent("edge-stack-gateway"));
  }

  @Override
  public Future<JsonObject> fetch() {
    long timeoutMillis = Math.max(1, config.fetchTimeout().toMillis());
    Future<HttpResponse<Buffer>> response =
        client
            .getAbs(config.jwksUrl().orElseThrow().toString())
            .putHeader("Accept", "application/json")
            .timeout(timeoutMillis)
            .send();
    return Deadlines.within(
            vertx,
            response,
            config.fetchTimeout(),
            () -> new TimeoutException("no answer within " + config.fetchTimeout()))
        .compose(this::document);
  }

  private Future<JsonObject> document(HttpResponse<Buffer> response) {
    if (response.statusCode() != 200) {
      return Future.failedFuture(new IOException("HTTP status " + response.statusCode()));
    }
    Buffer body = response.body();
    if (body == null || body.length() == 0 || body.length() > MAX_BYTES) {
      return Future.failedFuture(
          new IOException("body of " + (body == null ? 0 : body.length()) + " bytes"));
    }
    try {
      return Future.succeededFuture(new JsonObject(body));
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(new IOException("body is not a JSON object", e));
    }
  }

  public void close() {
    client.close();
  }
}
