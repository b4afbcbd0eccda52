package io.vfioctl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cases written from glibc fnmatch(pattern, string, 0), which kmod uses for modules.alias. */
class GlobTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(delimiter = '|', value = {
      "abc|abc|true",
      "abc|abd|false",
      "abc|abcd|false",
      "*|''|true",
      "*|anything/with/slashes|true",
      "a*|a|true",
      "a*c|abbbc|true",
      "a*c|abbbcd|false",
      "*c*c|acxc|true",
      "a**b|ab|true",
      "?|''|false",
      "?|x|true",
      "a?c|abc|true",
      "a?c|ac|false",
      "[abc]|b|true",
      "[abc]|d|false",
      "[a-c]x|bx|true",
      "[!a-c]x|dx|true",
      "[!a-c]x|bx|false",
      "[^a-c]x|dx|true",
      "[]]|]|true",
      "[!]]|a|true",
      "[!]]|]|false",
      "[a-]|-|true",
      "[|[|true",
      "a[|a[|true",
      "\\*|*|true",
      "\\*|a|false",
      "[\\]]|]|true",
      "v00001234d*|v00001234d000011E8sv1|true",
      "v0000123?d*|v00001234d000011E8|true",
      "v000015B3d0000101[EF]sv*|v000015B3d0000101Fsv00000000|true",
      "v000015B3d0000101[EF]sv*|v000015B3d0000101Asv00000000|false",
      "v*d*sv*sd*bc*sc*i*|v00008086d0000100Esv00008086sd0000100Ebc02sc00i00|true",
      "v*d*sv*sd*bc02sc*i*|v00008086d0000100Esv00008086sd0000100Ebc03sc00i00|false",
      "v*d*sv*sd*bc0[0-3]sc*i*|v00008086d0000100Esv00008086sd0000100Ebc03sc00i00|true",
  })
  void matchesAsFnmatchDoes(String pattern, String text, boolean expected) {
    assertEquals(expected, Glob.matches(pattern, text));
  }

  @ParameterizedTest
  @CsvSource({"abc,false", "a*,true", "a?,true", "a[b],true", "0000101E,false"})
  void knowsWildcards(String text, boolean expected) {
    assertEquals(expected, Glob.hasWildcard(text));
  }
}
