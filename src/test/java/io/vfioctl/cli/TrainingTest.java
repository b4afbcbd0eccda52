package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The start-up cache's training runs every command it lists and leaves nothing behind. */
class TrainingTest {
  @Test
  void trainsOnAPrivateRootAndRemovesIt() throws IOException {
    List<Path> before = trainingRoots();
    Training.main(new String[0]);
    assertEquals(before, trainingRoots());
  }

  private static List<Path> trainingRoots() throws IOException {
    try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return tmp.filter(p -> p.getFileName().toString().startsWith("vfioctl-training-")).sorted().toList();
    }
  }
}
