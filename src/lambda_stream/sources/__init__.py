"""Sources: a Lambda event in, a `Stream[UnitOfWork]` out, one module per trigger."""

from lambda_stream.sources.kinesis import from_kinesis

__all__ = ["from_kinesis"]
