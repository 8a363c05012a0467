// Tests talk to real MariaDB, Redis and server processes: a storm takes seconds, not milliseconds.
jest.setTimeout(120000);
