"""The C extension of hrss-drawnative; everything else is in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "hrss.drawnative._tickets",
            ["src/hrss/drawnative/_tickets.c"],
            extra_compile_args=["-O3", "-std=c11", "-Wall", "-Wno-unused-parameter"],
        )
    ]
)
