package io.vfioctl.change;

import io.vfioctl.core.VfioctlException;
import io.vfioctl.preflight.Problem;

/** A change refused before anything was written, by the first check that refuses it. */
public final class Refused extends VfioctlException {
  private static final long serialVersionUID = 1L;
  private final transient Problem problem;

  Refused(Problem problem) {
    super(problem.text());
    this.problem = problem;
  }

  public Problem.Kind kind() {
    return problem.kind();
  }
}
