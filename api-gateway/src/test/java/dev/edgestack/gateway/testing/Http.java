package dev.edgestack.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Blocking HTTP calls from the test thread, each with a timeout. */
public final class Http {
  private static final HttpClient HTTP_1_1 =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  // Plain-text HTTP/2 by upgrade (h2c), as the JDK client does it.
  private static final HttpClient HTTP_2 =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_2)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Http() {}

  /** GET with header name/value pairs. */
  public static HttpResponse<String> get(String url, String... headers) {
    return send("GET", url, null, headers);
  }

  /** GET over HTTP/2 (h2c) when the server agrees. */
  public static HttpResponse<String> getHttp2(String url, String... headers) {
    return send(HTTP_2, "GET", url, null, headers);
  }

  public static HttpResponse<String> send(
      String method, String url, String body, String... headers) {
    return send(HTTP_1_1, method, url, body, headers);
  }

  private static HttpResponse<String> send(
      HttpClient client, String method, String url, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
