# cfn-lint 1.53 (dev dependency) ships no type information (no py.typed) and no stub package
# exists; these stubs declare only what tests/examples/test_template.py uses.
