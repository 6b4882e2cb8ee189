/** The datasets phase14 shares: producers name them in `outlets`, consumers in `schedule`. */
import { Dataset } from "updraft";

export const dailyOrders = new Dataset("s3://warehouse/orders/daily", { format: "parquet", owner: "sales-eng" });
export const customers = new Dataset("s3://warehouse/customers");
export const exchangeRates = new Dataset("https://api.example.com/rates");
