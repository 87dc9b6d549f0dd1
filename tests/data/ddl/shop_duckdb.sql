-- A shop with composite keys, a composite foreign key, CHECKs, an ENUM type and
-- created_at/updated_at ordering; DuckDB dialect.
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'refunded');

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email VARCHAR NOT NULL UNIQUE,
    full_name VARCHAR NOT NULL,
    tier VARCHAR NOT NULL CHECK (tier IN ('bronze', 'silver', 'gold')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (updated_at >= created_at)
);

CREATE TABLE products (
    sku VARCHAR(12) PRIMARY KEY,
    name VARCHAR(80) NOT NULL,
    price DECIMAL(8, 2) NOT NULL CHECK (price > 0),
    weight_kg DOUBLE CHECK (weight_kg BETWEEN 0.01 AND 50)
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    status order_status NOT NULL,
    ordered_at TIMESTAMP NOT NULL
);

CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders (id),
    line_no SMALLINT NOT NULL CHECK (line_no >= 1),
    sku VARCHAR(12) NOT NULL REFERENCES products (sku),
    quantity INTEGER NOT NULL CHECK (quantity > 0 AND quantity <= 20),
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE returns (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    line_no SMALLINT NOT NULL,
    reason VARCHAR NOT NULL CHECK (reason IN ('damaged', 'wrong item', 'changed mind')),
    FOREIGN KEY (order_id, line_no) REFERENCES order_items (order_id, line_no)
);
