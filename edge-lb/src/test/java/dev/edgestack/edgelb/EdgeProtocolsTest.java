package dev.edgestack.edgelb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 clients through a real edge-lb to a real HTTP/1.1 backend: h2 over TLS by ALPN with a
 * self-signed certificate, and h2c with prior knowledge on the plain port.
 */
class EdgeProtocolsTest {
  private final Vertx vertx = Vertx.vertx();
  private final CopyOnWriteArrayList<MultiMap> seen = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<io.vertx.core.http.HttpVersion> versions =
      new CopyOnWriteArrayList<>();
  private RunningInstance edge;

  @BeforeEach
  void start() throws Exception {
    HttpServer backend =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  seen.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
                  versions.add(request.version());
                  request.body().onSuccess(body -> request.response().end("got " + body));
                })
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    String yaml =
        """
        instance: {name: edge-test}
        server:
          port: 0
          h2c: true
          maxBodyBytes: 1000
          tls: {port: 0, selfSigned: true}
        admin: {port: 0}
        pool:
          name: gateways
          endpoints: 127.0.0.1:%d
          healthCheck: {enabled: false}
        """
            .formatted(backend.actualPort());
    var config = ConfigLoader.withVariables(Map.of()).parse("edge-lb.yaml", yaml);
    edge = EdgeProcess.start("edge-lb", config, new EdgeLbMain()).await(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (edge != null) {
        edge.close().await(20, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void proxiesH2OverTlsNegotiatedByAlpnToAnHttp11Backend() throws Exception {
    var client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setSsl(true)
                .setUseAlpn(true)
                .setTrustAll(true)
                .setVerifyHost(false));
    String answer = post(client, edge.httpsPort(), "localhost");
    assertThat(answer).isEqualTo("HTTP_2 got hello");
    assertProxiedAsHttp11();
    assertThat(seen.get(0).get("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + edge.httpsPort());
    assertThat(seen.get(0).get("X-Forwarded-Proto")).isEqualTo("https");
  }

  @Test
  void proxiesH2cWithPriorKnowledgeToAnHttp11Backend() throws Exception {
    var client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    assertThat(post(client, edge.httpPort(), "127.0.0.1")).isEqualTo("HTTP_2 got hello");
    assertProxiedAsHttp11();
  }

  @Test
  void anH2BodyWithoutADeclaredLengthIsCutAtTheBodyLimitWith413() throws Exception {
    var client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    Buffer chunk = Buffer.buffer("x".repeat(400));

    int status =
        client
            .request(HttpMethod.POST, edge.httpPort(), "127.0.0.1", "/upload")
            .compose(
                request -> {
                  // Chunked: HTTP/2 DATA frames without a content-length.
                  request.setChunked(true);
                  request.write(chunk);
                  request.write(chunk);
                  request.write(chunk);
                  request.end(chunk);
                  return request.response();
                })
            .map(response -> response.statusCode())
            .await(10, TimeUnit.SECONDS);

    assertThat(status).isEqualTo(413);
    assertThat(post(client, edge.httpPort(), "127.0.0.1")).isEqualTo("HTTP_2 got hello");
  }

  @Test
  void upgradesToH2cOnThePlainPort() throws Exception {
    var client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(true));
    var response =
        client
            .request(HttpMethod.GET, edge.httpPort(), "127.0.0.1", "/up")
            .compose(request -> request.send())
            .await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    // The upgrade request itself is HTTP/1.1; the connection then speaks h2.
    var second =
        client
            .request(HttpMethod.GET, edge.httpPort(), "127.0.0.1", "/up2")
            .compose(request -> request.send())
            .await(10, TimeUnit.SECONDS);
    assertThat(second.version()).isEqualTo(HttpVersion.HTTP_2);
  }

  private String post(io.vertx.core.http.HttpClient client, int port, String host)
      throws Exception {
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/api/rates?base=EUR")
                .putHeader("te", "trailers"))
        .compose(
            request ->
                request
                    .send("hello")
                    .compose(
                        response -> response.body().map(body -> response.version() + " " + body)))
        .await(10, TimeUnit.SECONDS);
  }

  private void assertProxiedAsHttp11() {
    assertThat(versions).containsExactly(HttpVersion.HTTP_1_1);
    MultiMap headers = seen.get(0);
    assertThat(headers.get("Host")).isNotBlank();
    assertThat(headers.names()).noneMatch(name -> name.startsWith(":"));
    assertThat(headers.names())
        .noneMatch(
            name ->
                name.equalsIgnoreCase("te")
                    || name.equalsIgnoreCase("connection")
                    || name.equalsIgnoreCase("upgrade")
                    || name.equalsIgnoreCase("http2-settings"));
    assertThat(headers.get("Via")).startsWith("2 ");
  }
}
