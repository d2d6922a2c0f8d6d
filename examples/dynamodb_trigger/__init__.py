"""A DynamoDB stream trigger: ``thing`` rows of a single table become domain events on the bus."""
