-- A Northwind-like trading schema (after Microsoft's Northwind sample), MySQL dialect:
-- AUTO_INCREMENT keys, a text primary key, a self-reference, an ENUM column and a
-- composite primary key with CHECKs.
CREATE TABLE categories (
  category_id INT NOT NULL AUTO_INCREMENT,
  category_name VARCHAR(15) NOT NULL,
  description TEXT,
  PRIMARY KEY (category_id),
  CONSTRAINT uq_category_name UNIQUE (category_name)
) ENGINE=InnoDB COMMENT='product categories';

CREATE TABLE suppliers (
  supplier_id INT NOT NULL AUTO_INCREMENT,
  company_name VARCHAR(40) NOT NULL,
  contact_name VARCHAR(30),
  city VARCHAR(15),
  country VARCHAR(15),
  phone VARCHAR(24),
  PRIMARY KEY (supplier_id)
) ENGINE=InnoDB;

CREATE TABLE products (
  product_id INT NOT NULL AUTO_INCREMENT,
  product_name VARCHAR(40) NOT NULL,
  supplier_id INT,
  category_id INT,
  unit_price DECIMAL(10,2) DEFAULT 0 CHECK (unit_price >= 0),
  units_in_stock SMALLINT DEFAULT 0 CHECK (units_in_stock >= 0),
  discontinued TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (product_id),
  CONSTRAINT fk_products_suppliers FOREIGN KEY (supplier_id) REFERENCES suppliers (supplier_id),
  CONSTRAINT fk_products_categories FOREIGN KEY (category_id) REFERENCES categories (category_id)
) ENGINE=InnoDB;

CREATE TABLE customers (
  customer_id CHAR(5) NOT NULL,
  company_name VARCHAR(40) NOT NULL,
  contact_name VARCHAR(30),
  contact_title VARCHAR(30),
  city VARCHAR(15),
  country VARCHAR(15),
  PRIMARY KEY (customer_id)
) ENGINE=InnoDB;

CREATE TABLE employees (
  employee_id INT NOT NULL AUTO_INCREMENT,
  last_name VARCHAR(20) NOT NULL,
  first_name VARCHAR(10) NOT NULL,
  title VARCHAR(30),
  birth_date DATE,
  hire_date DATE,
  reports_to INT,
  PRIMARY KEY (employee_id),
  CONSTRAINT fk_employees_reports_to FOREIGN KEY (reports_to) REFERENCES employees (employee_id)
) ENGINE=InnoDB;

CREATE TABLE shippers (
  shipper_id INT NOT NULL AUTO_INCREMENT,
  company_name VARCHAR(40) NOT NULL,
  phone VARCHAR(24),
  PRIMARY KEY (shipper_id)
) ENGINE=InnoDB;

CREATE TABLE orders (
  order_id INT NOT NULL AUTO_INCREMENT,
  customer_id CHAR(5) NOT NULL,
  employee_id INT,
  order_date DATETIME NOT NULL,
  shipped_date DATETIME,
  ship_via INT,
  freight DECIMAL(10,2) DEFAULT 0,
  status ENUM('new', 'shipped', 'delivered', 'cancelled') NOT NULL DEFAULT 'new',
  PRIMARY KEY (order_id),
  CONSTRAINT fk_orders_customers FOREIGN KEY (customer_id) REFERENCES customers (customer_id),
  CONSTRAINT fk_orders_employees FOREIGN KEY (employee_id) REFERENCES employees (employee_id),
  CONSTRAINT fk_orders_shippers FOREIGN KEY (ship_via) REFERENCES shippers (shipper_id),
  CONSTRAINT ck_orders_shipped CHECK (shipped_date >= order_date)
) ENGINE=InnoDB;

CREATE TABLE order_details (
  order_id INT NOT NULL,
  product_id INT NOT NULL,
  unit_price DECIMAL(10,2) NOT NULL DEFAULT 0,
  quantity SMALLINT NOT NULL DEFAULT 1,
  discount DOUBLE NOT NULL DEFAULT 0,
  PRIMARY KEY (order_id, product_id),
  CONSTRAINT fk_order_details_orders FOREIGN KEY (order_id) REFERENCES orders (order_id),
  CONSTRAINT fk_order_details_products FOREIGN KEY (product_id) REFERENCES products (product_id),
  CONSTRAINT ck_quantity CHECK (quantity > 0),
  CONSTRAINT ck_discount CHECK (discount BETWEEN 0 AND 1),
  CONSTRAINT ck_unit_price CHECK (unit_price >= 0)
) ENGINE=InnoDB;
