package io.vfioctl.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written matches agree with the regular expressions they replace. */
class TextTest {
  private static final String ALPHABET = "09afAFgx: \t\n\u000B\f\r\u00a0\u0660-";

  private static String random(Random r) {
    StringBuilder b = new StringBuilder();
    for (int n = r.nextInt(12); n > 0; n--) {
      b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  @Test
  void agreesWithTheRegularExpressions() {
    Random r = new Random(11);
    for (int i = 0; i < 50_000; i++) {
      String s = random(r);
      assertEquals(s.matches("[0-9]{1,5}"), Text.isDigits(s, 5), s);
      assertEquals(s.matches("[0-9a-f]{1,4}"), Text.isLowerHex(s, 4), s);
      assertEquals(s.matches("[0-9a-fA-F]{1,8}"), Text.isHex(s, 8), s);
      assertArrayEquals(s.split("\\s+"), Text.fields(s, Text.WHITE_SPACE), s);
      assertArrayEquals(s.split("[ \t]+"), Text.fields(s, " \t"), s);
      assertArrayEquals(s.trim().split("\\s+"), Text.fields(s.trim(), Text.WHITE_SPACE), s);
    }
  }
}
