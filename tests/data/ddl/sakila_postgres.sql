-- A Sakila-like DVD rental schema (after MySQL's Sakila sample), PostgreSQL dialect:
-- an ENUM type, CHECKs, a many-to-many table with a composite primary key, comments.
CREATE TYPE mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');

CREATE TABLE language (
    language_id smallserial PRIMARY KEY,
    name character(20) NOT NULL,
    last_update timestamp NOT NULL DEFAULT now()
);

CREATE TABLE actor (
    actor_id serial PRIMARY KEY,
    first_name varchar(45) NOT NULL,
    last_name varchar(45) NOT NULL,
    last_update timestamp NOT NULL DEFAULT now()
);

CREATE TABLE category (
    category_id serial PRIMARY KEY,
    name varchar(25) NOT NULL UNIQUE,
    last_update timestamp NOT NULL DEFAULT now()
);

CREATE TABLE film (
    film_id serial PRIMARY KEY,
    title varchar(255) NOT NULL,
    description text,
    release_year integer CHECK (release_year BETWEEN 1901 AND 2155),
    language_id smallint NOT NULL REFERENCES language (language_id),
    rental_duration smallint NOT NULL DEFAULT 3 CHECK (rental_duration > 0),
    rental_rate numeric(4,2) NOT NULL DEFAULT 4.99 CHECK (rental_rate >= 0.99),
    length smallint CHECK (length > 0 AND length <= 300),
    replacement_cost numeric(5,2) NOT NULL DEFAULT 19.99,
    rating mpaa_rating DEFAULT 'G',
    last_update timestamp NOT NULL DEFAULT now()
);
COMMENT ON TABLE film IS 'Films available for rent';
COMMENT ON COLUMN film.rental_rate IS 'price per rental period';

CREATE TABLE film_actor (
    actor_id integer NOT NULL REFERENCES actor (actor_id),
    film_id integer NOT NULL REFERENCES film (film_id),
    last_update timestamp NOT NULL DEFAULT now(),
    PRIMARY KEY (actor_id, film_id)
);

CREATE TABLE film_category (
    film_id integer NOT NULL REFERENCES film (film_id),
    category_id integer NOT NULL REFERENCES category (category_id),
    last_update timestamp NOT NULL DEFAULT now(),
    PRIMARY KEY (film_id, category_id)
);

CREATE TABLE customer (
    customer_id serial PRIMARY KEY,
    first_name varchar(45) NOT NULL,
    last_name varchar(45) NOT NULL,
    email varchar(50) UNIQUE,
    active boolean NOT NULL DEFAULT true,
    create_date date NOT NULL DEFAULT CURRENT_DATE,
    last_update timestamp DEFAULT now(),
    CHECK (last_update >= create_date)
);

CREATE TABLE rental (
    rental_id serial PRIMARY KEY,
    rental_date timestamp NOT NULL,
    film_id integer NOT NULL REFERENCES film (film_id),
    customer_id integer NOT NULL REFERENCES customer (customer_id),
    return_date timestamp,
    last_update timestamp NOT NULL DEFAULT now(),
    CONSTRAINT rental_return_after CHECK (return_date >= rental_date)
);

CREATE TABLE payment (
    payment_id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customer (customer_id),
    rental_id integer NOT NULL REFERENCES rental (rental_id),
    amount numeric(5,2) NOT NULL CHECK (amount >= 0),
    payment_date timestamp NOT NULL
);
