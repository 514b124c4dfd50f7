"""nbtorch's differentiable primitives, one ``ArrayFunction`` per op, grouped by kind.

* ``elementwise`` -- arithmetic, unary math, comparisons, casts
* ``reduce``      -- sum, mean, max, softmax, ...
* ``movement``    -- view, reshape, permute, indexing, cat, ...
* ``linalg``      -- matmul and friends
"""
