package dev.edgestack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JavaCommandTest {

  @Test
  void benchStartsItsJvmsWithTheLaunchersOptions() throws IOException {
    String script =
        Files.readString(
            TestHomes.project().resolve("bench/jvm-options.sh"), StandardCharsets.UTF_8);
    Matcher matcher = Pattern.compile("(?m)^JAVA_OPTS=\\(([^)]*)\\)").matcher(script);
    assertThat(matcher.find()).as("JAVA_OPTS=( ... ) in bench/jvm-options.sh").isTrue();
    List<String> benchOptions = Arrays.asList(matcher.group(1).trim().split("\\s+"));

    assertThat(benchOptions).isEqualTo(JavaCommand.BASE_OPTIONS);
  }

  @Test
  void thisJavaAcceptsTheBaseOptions() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(JavaCommand.javaExecutable());
    command.addAll(JavaCommand.BASE_OPTIONS);
    command.add("-version");
    Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(java.waitFor(30, TimeUnit.SECONDS)).as("java -version exits").isTrue();
      assertThat(java.exitValue()).as(output).isZero();
      assertThat(output).doesNotContainIgnoringCase("warning");
    } finally {
      java.destroyForcibly();
    }
  }
}
