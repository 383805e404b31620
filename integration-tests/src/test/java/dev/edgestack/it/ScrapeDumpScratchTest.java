package dev.edgestack.it;

import dev.edgestack.stack.testkit.StackExtension;
import dev.edgestack.stack.testkit.StackInstance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ScrapeDumpScratchTest {
  @RegisterExtension static final StackExtension STACK = StackExtension.topology("hybrid");

  @Test
  void dump() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    String token = STACK.token("alice", "accounts:read");
    for (int i = 0; i < 10; i++) {
      client.send(
          HttpRequest.newBuilder(URI.create(STACK.entryUrl() + "/api/rates?base=EUR")).build(),
          HttpResponse.BodyHandlers.ofString());
      client.send(
          HttpRequest.newBuilder(URI.create(STACK.entryUrl() + "/api/accounts/acc-alice-1"))
              .header("Authorization", "Bearer " + token)
              .build(),
          HttpResponse.BodyHandlers.ofString());
      client.send(
          HttpRequest.newBuilder(
                  URI.create(STACK.entryUrl() + "/api/accounts/acc-alice-1/overview"))
              .header("Authorization", "Bearer " + token)
              .build(),
          HttpResponse.BodyHandlers.ofString());
      client.send(
          HttpRequest.newBuilder(URI.create(STACK.entryUrl() + "/api/accounts/acc-alice-1"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
    Thread.sleep(1500);
    Path dir = Path.of("target/scrapes");
    Files.createDirectories(dir);
    for (StackInstance instance : STACK.instances()) {
      String body =
          client
              .send(
                  HttpRequest.newBuilder(URI.create(STACK.adminUrl(instance.name()) + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Files.writeString(dir.resolve(instance.name() + ".txt"), body);
    }
  }
}
